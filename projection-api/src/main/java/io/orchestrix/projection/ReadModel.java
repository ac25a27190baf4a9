package io.orchestrix.projection;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Declares a read-model type: its name in the store, its Java class, how to get a document's id and
 * which fields are indexed for queries. Declared up front so that every store can build a real index
 * (a column, a MongoDB index, a Redis set).
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder(String, Class)}:
 *
 * <pre>{@code
 * static final ReadModel<OrderSummary> ORDERS = ReadModel.builder("order_summary", OrderSummary.class)
 *     .id(OrderSummary::orderId)
 *     .index("status", o -> o.status().name())
 *     .index("customer_id", OrderSummary::customerId)
 *     .build();
 * }</pre>
 *
 * <p>An index function may return null: the document is then not found under that index.
 *
 * @param <T> the document type, serialised as JSON by the engine's codec
 */
public final class ReadModel<T> {

  private final String name;
  private final Class<T> type;
  private final Function<? super T, String> idFunction;
  private final Map<String, Function<? super T, @Nullable String>> indexes;
  private final List<String> indexNames;

  private ReadModel(Builder<T> builder) {
    this.name = builder.name;
    this.type = builder.type;
    this.idFunction = Objects.requireNonNull(builder.idFunction,
        () -> "read model '" + builder.name + "' needs an id function: call id(...)");
    this.indexes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.indexes));
    this.indexNames = List.copyOf(indexes.keySet());
  }

  private ReadModel(ReadModel<T> original, String name) {
    this.name = ProjectionIds.requireValidName(name, "read-model name");
    this.type = original.type;
    this.idFunction = original.idFunction;
    this.indexes = original.indexes;
    this.indexNames = original.indexNames;
  }

  /**
   * The same declaration (type, id function, indexes) stored under another name: what a projection
   * rebuilt without downtime writes its new generation into.
   *
   * @param newName the other read-model name; not null
   * @return a read model like this one, named {@code newName}
   * @throws IllegalArgumentException if the name is not a valid read-model name
   */
  public ReadModel<T> withName(String newName) {
    Objects.requireNonNull(newName, "name must not be null");
    return new ReadModel<>(this, newName);
  }

  /**
   * Starts a read-model declaration.
   *
   * @param <T> the document type
   * @param name the read model's name in the store, a valid read-model name
   * @param type the document class; not null
   * @return a builder; the name is checked at once
   */
  public static <T> Builder<T> builder(String name, Class<T> type) {
    return new Builder<>(name, type);
  }

  /** {@return the read model's name in the store} */
  public String name() {
    return name;
  }

  /** {@return the document class} */
  public Class<T> type() {
    return type;
  }

  /** {@return the names of the indexed fields, in declaration order} */
  public List<String> indexNames() {
    return indexNames;
  }

  /**
   * The id of a document.
   *
   * @param document a document of this read model; not null
   * @return the document's id, never empty
   * @throws IllegalArgumentException if the id function returns null or an empty id
   */
  public String idOf(T document) {
    String id = idFunction.apply(document);
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(
          "read model '" + name + "': the id function returned " + (id == null ? "null" : "''")
              + " for " + document);
    }
    return id;
  }

  /**
   * {@return the value of each index for a document; indexes whose function returns null are left
   * out}
   *
   * @param document a document of this read model; not null
   */
  public Map<String, String> indexValuesOf(T document) {
    if (indexes.isEmpty()) {
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>(indexes.size() * 2);
    indexes.forEach((index, fn) -> {
      String value = fn.apply(document);
      if (value != null) {
        values.put(index, value);
      }
    });
    return values;
  }

  @Override
  public String toString() {
    return "ReadModel[" + name + ", " + type.getName() + ", indexes=" + indexes.keySet() + "]";
  }

  /**
   * Builds a {@link ReadModel}. Not thread-safe. Each setter checks its argument at once and throws
   * {@link IllegalArgumentException} naming the setting and the rejected value.
   */
  public static final class Builder<T> {
    private final String name;
    private final Class<T> type;
    private @Nullable Function<? super T, String> idFunction;
    private final Map<String, Function<? super T, @Nullable String>> indexes = new LinkedHashMap<>();

    private Builder(String name, Class<T> type) {
      this.name = ProjectionIds.requireValidName(name, "read-model name");
      this.type = Objects.requireNonNull(type, "type must not be null");
    }

    /**
     * Sets how to get a document's id; required.
     *
     * @param idFunction gives a document's id, never null or empty; not null
     * @return this builder
     */
    public Builder<T> id(Function<? super T, String> idFunction) {
      this.idFunction = Objects.requireNonNull(idFunction, "id function must not be null");
      return this;
    }

    /**
     * Declares an indexed field, queryable with {@link ReadModelView#findBy(String, String)}.
     *
     * @param indexName the index's name, a valid name not declared before on this read model
     * @param valueFunction gives a document's value under the index, or null to leave it out; not
     *     null
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid or declared twice
     */
    public Builder<T> index(String indexName, Function<? super T, @Nullable String> valueFunction) {
      ProjectionIds.requireValidName(indexName, "index name");
      Objects.requireNonNull(valueFunction, "index function must not be null");
      if (indexes.containsKey(indexName)) {
        throw new IllegalArgumentException(
            "index '" + indexName + "' is declared twice on read model '" + name + "'");
      }
      indexes.put(indexName, valueFunction);
      return this;
    }

    /** {@return the immutable declaration} */
    public ReadModel<T> build() {
      return new ReadModel<>(this);
    }
  }
}
