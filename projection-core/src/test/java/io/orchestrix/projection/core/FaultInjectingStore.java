package io.orchestrix.projection.core;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A store that counts its calls by kind and, once armed, fails every call of one kind from the n-th
 * on, as an outage would, until released. A commit may fail before it is applied or after (the
 * connection dropped once the server had committed). Thread-safe.
 */
final class FaultInjectingStore extends ForwardingStore {

  /** The kinds of store call. */
  enum Call { PREPARE, CLAIM, LOAD_STATE, COMMIT, COMMIT_APPLIED, FIND, FIND_ALL, COUNT, PAGE, DEAD_LETTERS }

  private final Map<Call, AtomicInteger> calls = new EnumMap<>(Call.class);
  private volatile @Nullable Call failing;
  private volatile int fromCall;
  private volatile boolean released;
  private final AtomicInteger injected = new AtomicInteger();

  FaultInjectingStore(ProjectionStore delegate) {
    super(delegate);
    for (Call call : Call.values()) {
      calls.put(call, new AtomicInteger());
    }
  }

  /** Fails every call of this kind from the n-th (1-based, counted from now) until released. */
  void failFrom(Call call, int n) {
    calls.get(call).set(0);
    fromCall = n;
    released = false;
    failing = call;
  }

  void release() {
    released = true;
  }

  int calls(Call call) {
    return calls.get(call).get();
  }

  int injected() {
    return injected.get();
  }

  private void maybeFail(Call call) {
    int number = calls.get(call).incrementAndGet();
    if (failing == call && !released && number >= fromCall) {
      injected.incrementAndGet();
      throw StoreException.outage("injected outage at " + call + " call " + number, null, null);
    }
  }

  @Override
  public void prepareReadModel(ReadModelSchema schema) {
    maybeFail(Call.PREPARE);
    super.prepareReadModel(schema);
  }

  @Override
  public long claimWriter(String projectionId) {
    maybeFail(Call.CLAIM);
    return super.claimWriter(projectionId);
  }

  @Override
  public Optional<ProjectionState> loadState(String projectionId) {
    maybeFail(Call.LOAD_STATE);
    return super.loadState(projectionId);
  }

  @Override
  public void commit(Commit commit) {
    maybeFail(Call.COMMIT);
    super.commit(commit);
    maybeFail(Call.COMMIT_APPLIED);
  }

  @Override
  public Optional<StoredDocument> find(String readModel, String id) {
    maybeFail(Call.FIND);
    return super.find(readModel, id);
  }

  @Override
  public Map<String, StoredDocument> findAll(String readModel, Collection<String> ids) {
    maybeFail(Call.FIND_ALL);
    return super.findAll(readModel, ids);
  }

  @Override
  public long count(String readModel) {
    maybeFail(Call.COUNT);
    return super.count(readModel);
  }

  @Override
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    maybeFail(Call.PAGE);
    return super.page(readModel, afterId, limit);
  }

  @Override
  public List<DeadLetter> deadLetters(String projectionId) {
    maybeFail(Call.DEAD_LETTERS);
    return super.deadLetters(projectionId);
  }
}
