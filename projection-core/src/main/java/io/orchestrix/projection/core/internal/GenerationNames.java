package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ReadModel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The names a generation of a projection keeps its read models under: generation 1 the declared
 * names, generation g from 2 on {@code name__g<g>}, shortened to {@value ProjectionIds#MAX_NAME_LENGTH}
 * characters with a hash of the full name when longer. Stateless.
 */
public final class GenerationNames {

  /** The read model holding every projection's generation registry, one document per projection. */
  static final String REGISTRY_READ_MODEL = "orx_generations";
  /** Read-model names of generations use this; declared names may not. */
  static final String MARK = "__g";

  private GenerationNames() {}

  static String readModelName(String declared, int generation) {
    if (generation == 1) {
      return declared;
    }
    String suffix = MARK + generation;
    String name = declared + suffix;
    if (name.length() <= ProjectionIds.MAX_NAME_LENGTH) {
      return name;
    }
    CRC32 crc = new CRC32();
    crc.update(declared.getBytes(StandardCharsets.UTF_8));
    String hash = String.format("%08x", crc.getValue());
    int keep = ProjectionIds.MAX_NAME_LENGTH - suffix.length() - hash.length() - 1;
    return declared.substring(0, keep) + "_" + hash + suffix;
  }

  static <T> ReadModel<T> readModel(ReadModel<T> declared, int generation) {
    return generation == 1 ? declared
        : declared.withName(readModelName(declared.name(), generation));
  }

  /**
   * @throws IllegalArgumentException if a user's read model takes a name kept for generations
   */
  public static void requireDeclarable(String name) {
    if (name.contains("__")) {
      throw new IllegalArgumentException("readModel: '" + name + "' holds '__', which is kept for"
          + " the read models of a projection's generations (name__g2); rename it");
    }
    if (name.equals(REGISTRY_READ_MODEL)) {
      throw new IllegalArgumentException("readModel: '" + name + "' is the name of the generation"
          + " registry; choose another");
    }
    if (name.equals(StoreSwitchMarker.READ_MODEL)) {
      throw new IllegalArgumentException("readModel: '" + name + "' is the name of the record of"
          + " switches between stores (StoreMigration); choose another");
    }
  }
}
