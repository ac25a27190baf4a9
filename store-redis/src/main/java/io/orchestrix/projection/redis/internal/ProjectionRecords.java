package io.orchestrix.projection.redis.internal;

import static io.orchestrix.projection.redis.internal.KeyLayout.bytes;
import static io.orchestrix.projection.redis.internal.RedisCommands.text;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a store keeps per projection, besides read models: its state hash (checkpoint, health and
 * fencing token) and its dead letters (see {@link KeyLayout}). Arguments are checked by the caller.
 * Thread-safe.
 */
public final class ProjectionRecords {

  private final RedisCommands commands;
  private final KeyLayout keys;
  private final RedisErrors errors;

  /** Reads and writes projections' records through {@code commands}, under the keys of {@code keys}. */
  public ProjectionRecords(RedisCommands commands, KeyLayout keys, RedisErrors errors) {
    this.commands = commands;
    this.keys = keys;
    this.errors = errors;
  }

  /** The projection's state, in one {@code HGETALL}; empty if it has none. */
  public Optional<ProjectionState> loadState(String projectionId) {
    String key = keys.state(projectionId);
    Map<String, String> hash = commands.call(List.of(key), again -> commands.jedis().hgetAll(key));
    try {
      return StateEncoding.decode(projectionId, hash);
    } catch (RuntimeException e) {
      throw errors.unreadable("the state of projection '" + projectionId + "'", key,
          String.valueOf(e.getMessage()));
    }
  }

  /** Overwrites the state, keeping the fencing token. */
  public void saveState(ProjectionState state) {
    List<byte[]> set = StateEncoding.fieldsToSet(state);
    List<byte[]> args = new ArrayList<>(set.size() + 3);
    args.add(bytes(Integer.toString(set.size() / 2)));
    args.addAll(set);
    args.addAll(StateEncoding.fieldsToDelete(state));
    commands.script(LuaScript.SAVE_STATE, List.of(keys.state(state.projectionId())), args);
  }

  /**
   * A new fencing token, creating the initial state stamped {@code now} if there is none. If the
   * reply to a first attempt is lost, the token it took is skipped: every token is still greater than
   * every earlier one.
   */
  public long claimWriter(String projectionId, Instant now) {
    ProjectionState initial = ProjectionState.initial(projectionId, now);
    List<?> reply = commands.script(LuaScript.CLAIM_WRITER, List.of(keys.state(projectionId)),
        StateEncoding.fieldsToSet(initial));
    return (Long) reply.get(1);
  }

  /** The projection's dead letters, ascending by position, read in one atomic step. */
  public List<DeadLetter> deadLetters(String projectionId) {
    String key = keys.deadLetters(projectionId);
    List<?> reply = commands.script(LuaScript.DEAD_LETTERS, List.of(key), List.of());
    List<DeadLetter> letters = new ArrayList<>(reply.size() - 1);
    for (Object entry : reply.subList(1, reply.size())) {
      List<?> pair = (List<?>) entry;
      String position = text(pair.get(0));
      List<?> flat = (List<?>) pair.get(1);
      Map<String, String> fields = new HashMap<>(flat.size());
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        fields.put(text(flat.get(i)), text(flat.get(i + 1)));
      }
      try {
        letters.add(DeadLetterEncoding.decode(projectionId, Long.parseLong(position), fields));
      } catch (RuntimeException e) {
        throw errors.unreadable("a dead letter of projection '" + projectionId + "'",
            key + ":" + position, String.valueOf(e.getMessage()));
      }
    }
    letters.sort(Comparator.comparingLong(DeadLetter::position));
    return letters;
  }
}
