package io.orchestrix.projection.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One of the store's Lua scripts, run with {@code EVALSHA} and sent whole with {@code EVAL} only when
 * the server does not know it yet ({@code NOSCRIPT}: first use, a restart, {@code SCRIPT FLUSH}); the
 * {@code EVAL} caches it on the server for the next {@code EVALSHA}. Immutable and thread-safe.
 */
public final class LuaScript {

  public static final LuaScript COMMIT = load("commit.lua");
  public static final LuaScript CLAIM_WRITER = load("claim_writer.lua");
  public static final LuaScript SAVE_STATE = load("save_state.lua");
  public static final LuaScript PREPARE_READ_MODEL = load("prepare_read_model.lua");
  public static final LuaScript READ_DOCUMENTS = load("read_documents.lua");
  public static final LuaScript DEAD_LETTERS = load("dead_letters.lua");
  public static final LuaScript CHECK_LAYOUT = load("check_layout.lua");
  public static final LuaScript ACQUIRE_LEASE = load("acquire_lease.lua");
  public static final LuaScript RELEASE_LEASE = load("release_lease.lua");
  public static final LuaScript LEASES = load("leases.lua");

  private final String name;
  private final byte[] body;
  private final byte[] sha1;

  private LuaScript(String name, byte[] body) {
    this.name = name;
    this.body = body;
    this.sha1 = sha1Hex(body).getBytes(UTF_8);
  }

  /** The script's file name, for messages. */
  public String name() {
    return name;
  }

  /** The SHA-1 digest the server knows the script by, in hex. */
  public String sha1() {
    return new String(sha1, UTF_8);
  }

  /** Runs the script; a NOSCRIPT reply (the script ran no command) is answered with one EVAL. */
  public Object run(UnifiedJedis jedis, List<byte[]> keys, List<byte[]> args) {
    try {
      return jedis.evalsha(sha1, keys, args);
    } catch (JedisNoScriptException notLoaded) {
      return jedis.eval(body, keys, args);
    }
  }

  private static LuaScript load(String fileName) {
    try (InputStream in = LuaScript.class.getResourceAsStream(fileName)) {
      if (in == null) {
        throw new IllegalStateException("Lua script " + fileName + " is missing from the jar");
      }
      return new LuaScript(fileName, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Lua script " + fileName, e);
    }
  }

  private static String sha1Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-1", e);
    }
  }
}
