package io.orchestrix.projection.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orchestrix.projection.SerializationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Maps event type names to Java classes and back, reads payloads from JSON with Jackson, and upcasts
 * stored payloads of old event versions to the current ones. Immutable and thread-safe once built.
 *
 * <pre>{@code
 * EventTypes types = EventTypes.builder()
 *     .register("OrderCreated.v2", OrderCreated.class)
 *     .upcaster("OrderCreated.v1", "OrderCreated.v2", json -> json.put("currency", "EUR"))
 *     .build();
 * }</pre>
 *
 * <p>An upcaster turns the JSON of one type name into the JSON of another; chains are followed until a
 * registered name is reached. {@link #byClassName()} needs no registration: names are class names.
 */
public final class EventTypes {

  private static final int MAX_UPCAST_STEPS = 100;

  private final Map<String, Class<?>> classes;
  private final Map<Class<?>, String> names;
  private final Map<String, Upcaster> upcasters;
  private final boolean classNames;
  private final ObjectMapper mapper;

  private record Upcaster(String toName, UnaryOperator<ObjectNode> transform) {}

  private EventTypes(Builder builder, boolean classNames) {
    this.classes = Map.copyOf(builder.classes);
    Map<Class<?>, String> byClass = new HashMap<>();
    builder.classes.forEach((name, type) -> byClass.putIfAbsent(type, name));
    this.names = Map.copyOf(byClass);
    this.upcasters = Map.copyOf(builder.upcasters);
    this.classNames = classNames;
    this.mapper = builder.mapper;
  }

  /** {@return types named by their Java class names, loaded on demand; no upcasters} */
  public static EventTypes byClassName() {
    return new EventTypes(new Builder(), true);
  }

  /** {@return a builder of a registry of named types} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The name of a payload's type.
   *
   * @param type the payload's class
   * @return the name written for it: the first registered, or the class name for {@link
   *     #byClassName()}
   * @throws SerializationException if the class is not registered
   */
  public String nameOf(Class<?> type) {
    if (classNames) {
      return type.getName();
    }
    String name = names.get(type);
    if (name == null) {
      throw new SerializationException("event class " + type.getName()
          + " is not registered; registered types: " + classes.keySet(), null);
    }
    return name;
  }

  /**
   * {@return the payload's JSON}
   *
   * @param payload the payload; not null
   * @throws SerializationException if the payload cannot be serialised
   */
  public String toJson(Object payload) {
    try {
      return mapper.writeValueAsString(payload);
    } catch (Exception e) {
      throw new SerializationException("cannot serialise event " + payload.getClass().getName()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a payload stored under a type name, upcasting it first if needed.
   *
   * @param typeName the stored type name
   * @param json the stored JSON
   * @return the payload, of the class registered for the newest name
   * @throws SerializationException if the type is unknown, an upcaster fails, or the JSON does not fit
   */
  public Object fromJson(String typeName, String json) {
    try {
      return fromTree(typeName, mapper.readTree(json));
    } catch (SerializationException e) {
      throw e;
    } catch (Exception e) {
      throw new SerializationException("cannot read event of type '" + typeName + "': "
          + e.getMessage(), e);
    }
  }

  /**
   * Like {@link #fromJson} for a JSON tree.
   *
   * @param typeName the stored type name
   * @param json the stored JSON tree
   * @return the payload, of the class registered for the newest name
   * @throws SerializationException as {@link #fromJson} does
   */
  public Object fromTree(String typeName, JsonNode json) {
    String name = typeName;
    JsonNode node = json;
    for (int step = 0; upcasters.containsKey(name); step++) {
      if (step == MAX_UPCAST_STEPS || !(node instanceof ObjectNode)) {
        throw new SerializationException("cannot upcast event of type '" + typeName
            + "': " + (step == MAX_UPCAST_STEPS ? "the upcasters form a cycle" : "not a JSON object"),
            null);
      }
      Upcaster upcaster = upcasters.get(name);
      node = Objects.requireNonNull(upcaster.transform.apply(((ObjectNode) node).deepCopy()),
          () -> "upcaster of '" + typeName + "' returned null");
      name = upcaster.toName;
    }
    Class<?> type = classOf(name);
    try {
      return mapper.treeToValue(node, type);
    } catch (Exception e) {
      throw new SerializationException("cannot read event of type '" + name + "' as "
          + type.getName() + ": " + e.getMessage(), e);
    }
  }

  private Class<?> classOf(String name) {
    Class<?> type = classes.get(name);
    if (type != null) {
      return type;
    }
    if (classNames) {
      try {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return Class.forName(name, false, loader != null ? loader : EventTypes.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new SerializationException("unknown event type '" + name + "': no such class", e);
      }
    }
    throw new SerializationException(
        "unknown event type '" + name + "'; registered types: " + classes.keySet(), null);
  }

  /** Builds {@link EventTypes}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Class<?>> classes = new LinkedHashMap<>();
    private final Map<String, Upcaster> upcasters = new LinkedHashMap<>();
    private ObjectMapper mapper = JacksonDocumentCodec.defaultMapper();

    private Builder() {}

    /**
     * Registers a type name for a class; a class may have several names, the first is written.
     *
     * @param name the type name; not null
     * @param type the class; not null
     * @return this builder
     * @throws IllegalArgumentException if the name is already registered for another class
     */
    public Builder register(String name, Class<?> type) {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(type, "type must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("register: the type name must not be blank");
      }
      Class<?> previous = classes.putIfAbsent(name, type);
      if (previous != null && previous != type) {
        throw new IllegalArgumentException("register: type name '" + name + "' is already "
            + previous.getName() + ", cannot also be " + type.getName());
      }
      return this;
    }

    /**
     * Registers a class under its simple name.
     *
     * @param type the class; not null
     * @return this builder
     * @throws IllegalArgumentException if the simple name is already registered for another class
     */
    public Builder register(Class<?> type) {
      return register(type.getSimpleName(), type);
    }

    /**
     * Declares how to turn the JSON of an old type name into the JSON of a newer one.
     *
     * @param fromName the old type name; not null
     * @param toName the newer type name; not null
     * @param transform turns the old JSON into the newer one, in place or as a new object; not null
     * @return this builder
     * @throws IllegalArgumentException if the old name already has an upcaster
     */
    public Builder upcaster(String fromName, String toName, UnaryOperator<ObjectNode> transform) {
      Objects.requireNonNull(fromName, "fromName must not be null");
      Objects.requireNonNull(toName, "toName must not be null");
      Objects.requireNonNull(transform, "transform must not be null");
      if (upcasters.containsKey(fromName)) {
        throw new IllegalArgumentException("upcaster: '" + fromName + "' already has an upcaster");
      }
      upcasters.put(fromName, new Upcaster(toName, transform));
      return this;
    }

    /**
     * The Jackson mapper for payloads. Default: {@link
     * JacksonDocumentCodec#defaultMapper()}.
     *
     * @param mapper the mapper; not null
     * @return this builder
     */
    public Builder mapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
      return this;
    }

    /**
     * The registry.
     *
     * @return the registry, immutable and thread-safe
     * @throws IllegalArgumentException if an upcaster chain ends at a name that is not registered
     */
    public EventTypes build() {
      List<String> dangling = new ArrayList<>();
      upcasters.forEach((from, upcaster) -> {
        String name = upcaster.toName;
        int steps = 0;
        while (upcasters.containsKey(name) && steps++ < MAX_UPCAST_STEPS) {
          name = upcasters.get(name).toName;
        }
        if (!classes.containsKey(name)) {
          dangling.add(from + " -> " + name);
        }
      });
      if (!dangling.isEmpty()) {
        throw new IllegalArgumentException(
            "upcasters lead to unregistered type names: " + dangling);
      }
      return new EventTypes(this, false);
    }
  }
}
