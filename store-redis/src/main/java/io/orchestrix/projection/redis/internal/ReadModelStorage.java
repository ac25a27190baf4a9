package io.orchestrix.projection.redis.internal;

import static io.orchestrix.projection.redis.internal.KeyLayout.bytes;
import static io.orchestrix.projection.redis.internal.RedisCommands.text;

import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A store's read models in Redis: preparing their keys and reading their documents (see
 * {@link KeyLayout}). Reads that combine a set of ids with the documents ({@link #findByIndex},
 * {@link #page}) are read-only scripts, so they never mix two commits; the others are single
 * commands. Arguments are checked by the caller. Thread-safe.
 */
public final class ReadModelStorage {

  private static final byte[] PAGE = bytes("page");
  private static final byte[] INDEX = bytes("index");

  private final RedisCommands commands;
  private final KeyLayout keys;
  private final RedisErrors errors;

  /** Reads and prepares read models through {@code commands}, under the keys of {@code keys}. */
  public ReadModelStorage(RedisCommands commands, KeyLayout keys, RedisErrors errors) {
    this.commands = commands;
    this.keys = keys;
    this.errors = errors;
  }

  /** Checks the types of the read model's keys and records its index names. */
  public void prepare(ReadModelSchema schema) {
    String name = schema.name();
    List<byte[]> args = new ArrayList<>(schema.indexes().size() + 1);
    args.add(bytes(keys.readModelBase(name)));
    schema.indexes().forEach(index -> args.add(bytes(index)));
    commands.script(LuaScript.PREPARE_READ_MODEL,
        List.of(keys.documents(name), keys.ids(name), keys.indexNames(name)), args);
  }

  /** The document with this id, in one {@code HGET}. */
  public Optional<StoredDocument> find(String readModel, String id) {
    String key = keys.documents(readModel);
    byte[] value = commands.call(List.of(key),
        again -> commands.jedis().hget(bytes(key), bytes(id)));
    return value == null ? Optional.empty() : Optional.of(decode(readModel, key, id, value));
  }

  /** The documents among distinct ids, in one {@code HMGET}. */
  public Map<String, StoredDocument> findAll(String readModel, List<String> ids) {
    byte[][] fields = new byte[ids.size()][];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = bytes(ids.get(i));
    }
    String key = keys.documents(readModel);
    List<byte[]> values = commands.call(List.of(key),
        again -> commands.jedis().hmget(bytes(key), fields));
    Map<String, StoredDocument> found = new HashMap<>(values.size() * 2);
    for (int i = 0; i < values.size(); i++) {
      byte[] value = values.get(i);
      if (value != null) {
        found.put(ids.get(i), decode(readModel, key, ids.get(i), value));
      }
    }
    return found;
  }

  /** The documents whose declared index has this value, in the order of {@link #page}. */
  public List<StoredDocument> findByIndex(String readModel, String index, String value) {
    String documentsKey = keys.documents(readModel);
    List<?> reply = commands.script(LuaScript.READ_DOCUMENTS,
        List.of(documentsKey, keys.index(readModel, index, value)), List.of(INDEX));
    return documents(readModel, documentsKey, reply, true);
  }

  /** How many documents the read model holds: {@code HLEN} of its documents hash. */
  public long count(String readModel) {
    String key = keys.documents(readModel);
    return commands.call(List.of(key), again -> commands.jedis().hlen(key));
  }

  /** Up to {@code limit} documents after {@code afterId}, in the order of the ids' UTF-8 bytes. */
  public List<StoredDocument> page(String readModel, @Nullable String afterId, int limit) {
    String documentsKey = keys.documents(readModel);
    byte[] from = bytes(afterId == null ? "-" : "(" + afterId);
    List<?> reply = commands.script(LuaScript.READ_DOCUMENTS,
        List.of(documentsKey, keys.ids(readModel)),
        List.of(PAGE, from, bytes(Integer.toString(limit))));
    return documents(readModel, documentsKey, reply, false);
  }

  /**
   * The documents of a {@code read_documents.lua} reply {@code {'ok', ids, documents}}, sorted by id
   * in the order of {@link #page} (that of the ids' UTF-8 bytes, as {@code ZRANGEBYLEX} compares
   * them) if {@code sort}.
   */
  private List<StoredDocument> documents(
      String readModel, String documentsKey, List<?> reply, boolean sort) {
    List<?> ids = (List<?>) reply.get(1);
    List<?> values = (List<?>) reply.get(2);
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (sort) {
      Arrays.sort(order, (a, b) ->
          Arrays.compareUnsigned((byte[]) ids.get(a), (byte[]) ids.get(b)));
    }
    List<StoredDocument> documents = new ArrayList<>(ids.size());
    for (int i : order) {
      Object value = i < values.size() ? values.get(i) : null;
      if (value != null) {
        documents.add(decode(readModel, documentsKey, text(ids.get(i)), (byte[]) value));
      }
    }
    return documents;
  }

  private StoredDocument decode(String readModel, String key, String id, byte[] value) {
    try {
      return DocumentEncoding.decode(id, value);
    } catch (IllegalArgumentException e) {
      throw errors.unreadable("document '" + id + "' of read model '" + readModel + "'", key,
          String.valueOf(e.getMessage()));
    }
  }
}
