package io.orchestrix.projection.redis.internal;

import static io.orchestrix.projection.redis.internal.KeyLayout.bytes;
import static io.orchestrix.projection.redis.internal.RedisCommands.text;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.Commit;
import java.util.List;

/**
 * Applies a commit with one {@code EVALSHA} of {@code commit.lua}: atomic, fenced, and written only
 * after every check passed. Thread-safe.
 *
 * <p>If the connection fails, {@link RedisCommands} sends the commit once more. That is safe because
 * it is fenced: if the first attempt was applied, the second finds the checkpoint at this commit's
 * target while this writer's token is still current, which only this commit can have done, and
 * reports success; otherwise it applies the commit or refuses it. A commit that leaves the checkpoint
 * where it was (dead letters retried or discarded, a batch of skipped events) is applied a second time
 * instead, which leaves the same data, since it replaces whole documents and dead letters and deletes
 * by id or position.
 */
public final class CommitWriter {

  private final RedisCommands commands;
  private final KeyLayout keys;
  private final int maxDocumentBytes;

  /** Commits through {@code commands}, refusing documents over {@code maxDocumentBytes}. */
  public CommitWriter(RedisCommands commands, KeyLayout keys, int maxDocumentBytes) {
    this.commands = commands;
    this.keys = keys;
    this.maxDocumentBytes = maxDocumentBytes;
  }

  /**
   * Applies the commit or refuses it, writing nothing.
   *
   * @throws io.orchestrix.projection.InvalidDocumentException if a document is over the size limit
   * @throws WriterFencedException if the writer's token is not current
   * @throws CheckpointConflictException if the stored checkpoint is not the expected one
   * @throws PartitionConflictException if a commit of a partition puts or deletes a document stored
   *     for another partition
   */
  public void commit(Commit commit) {
    List<byte[]> args = CommitEncoding.arguments(keys.prefix(), commit, maxDocumentBytes);
    String stateKey = keys.state(commit.projectionId());
    List<byte[]> keyBytes = List.of(bytes(stateKey));
    commands.call(List.of(stateKey), again -> {
      check(commit, LuaScript.COMMIT.run(commands.jedis(), keyBytes, args), again);
      return null;
    });
  }

  private void check(Commit commit, Object scriptReply, boolean again) {
    List<?> reply = (List<?>) scriptReply;
    String outcome = text(reply.get(0));
    switch (outcome) {
      case "fenced" -> throw new WriterFencedException(
          commit.projectionId(), commit.writerToken(), Long.parseLong(text(reply.get(1))));
      case "conflict" -> {
        long actual = Long.parseLong(text(reply.get(1)));
        long target = commit.state().lastProcessedPosition();
        // with this writer's token still current, only this commit moves the checkpoint to its target
        if (!(again && actual == target && target != commit.expectedPosition())) {
          throw new CheckpointConflictException(
              commit.projectionId(), commit.expectedPosition(), actual);
        }
      }
      case "partition" -> throw new PartitionConflictException(commit.projectionId(),
          text(reply.get(1)), text(reply.get(2)), ((Long) reply.get(3)).intValue(),
          commit.partition());
      default -> commands.expectOk(LuaScript.COMMIT, reply);
    }
  }
}
