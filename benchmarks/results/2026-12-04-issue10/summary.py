# Prints this directory's tables for docs/benchmarks.md: python3 summary.py [DIR]
import re,glob,os,statistics as st
import sys; d=sys.argv[1] if len(sys.argv) > 1 else "."
agg={}
for f in sorted(glob.glob(d+'/[rmp][0-9]-*.txt'), key=lambda f: re.search(r'# start: (\S+)', open(f).read()).group(1)):
    lab=os.path.basename(f)[:-4]; rnd,side=lab.split('-')
    txt=open(f).read()
    if '# end' not in txt: continue
    start=re.search(r'# start: \S+T(\d\d:\d\d)\S*, load: (\S+)',txt); end=re.search(r'# end: \S+T(\d\d:\d\d)\S*, load: (\S+)',txt)
    cpu=re.search(r'# cpu: user (\S+) s, sys (\S+)',txt)
    n=re.search(r'workload: ([\d,]+) events',txt).group(1)
    store=None; data={}
    for line in txt.splitlines():
        m=re.match(r'== (\S+)',line)
        if m:
            u=m.group(1); store='PostgreSQL' if 'postgres' in u else 'Redis' if 'redis' in u else 'memory'; data[store]={}; continue
        m=re.match(r'\s+run \d+\s+(.+?)\s+([\d,]+) events/s',line)
        if m and store: data[store].setdefault(m.group(1),[]).append(int(m.group(2).replace(',','')))
    for s,sides in data.items():
        med={k:st.median(v) for k,v in sides.items()}
        e=med['engine']; p=med['engine, pipelined']; b=[v for k,v in med.items() if 'loop' in k]
        b=b[0] if b else None
        rng=f"{min(sides['engine']):,}-{max(sides['engine']):,}"
        cpus=f"{float(cpu.group(1))+float(cpu.group(2)):.1f}" if cpu else '-'
        print(f"| {s} | {n} | {rnd} {side} | {start.group(1)}-{end.group(1)} | {start.group(2)} / {end.group(2)} | {int(e):,} ({rng}) | {int(p):,} | "+(f"{int(b):,} | {e/b:.2f}x | {p/b:.2f}x" if b else "- | - | -")+f" | {cpus} |")
        agg.setdefault((s,n,side),[]).append((e,p,e/b if b else None,p/b if b else None))
print()
for (s,n,side),v in sorted(agg.items()):
    f=lambda i: st.median([x[i] for x in v])
    print(f"| {s} | {n} | {side} | {len(v)} | {int(f(0)):,} | {int(f(1)):,} | "+(f"{f(2):.2f}x ({min(x[2] for x in v):.2f}-{max(x[2] for x in v):.2f}) | {f(3):.2f}x ({min(x[3] for x in v):.2f}-{max(x[3] for x in v):.2f})" if v[0][2] else "- | -")+" |")
