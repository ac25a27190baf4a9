# top frames (self) and top "io.orchestrix" frames (inclusive) from `jfr print --events jdk.ExecutionSample`
import sys,re,collections
txt=open(sys.argv[1]).read()
samples=txt.split('jdk.ExecutionSample')
selfc=collections.Counter(); incl=collections.Counter(); n=0
for s in samples[1:]:
    frames=re.findall(r'^\s+([\w.$<>]+)\(.*?line:',s,re.M)
    if not frames: continue
    if 'main' not in s.split('stackTrace')[0]: pass
    n+=1; selfc[frames[0]]+=1
    for f in set(frames):
        if 'orchestrix' in f: incl[f]+=1
print('samples',n)
for f,c in selfc.most_common(15): print(f'{c:6} {100*c/n:5.1f}% self {f}')
for f,c in incl.most_common(25): print(f'{c:6} {100*c/n:5.1f}% incl {f}')
