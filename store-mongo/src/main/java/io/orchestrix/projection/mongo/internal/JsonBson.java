package io.orchestrix.projection.mongo.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.types.Decimal128;

/**
 * Streams JSON text into a {@link BsonWriter} and a BSON document back into JSON text, without a tree
 * in between. Numbers stay exact: integers become int32 or int64 (Decimal128 beyond), every number
 * with a fraction or exponent becomes a Decimal128 built from its decimal text, so {@code 269.97} and
 * {@code 0.30000000000000004} read back digit for digit. Field names MongoDB refuses (containing
 * {@code .}, starting with {@code $}, containing NUL) are rejected while streaming. Thread-safe;
 * stateless apart from the shared, thread-safe Jackson factory.
 */
public final class JsonBson {

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  /** Deepest nesting of a document's objects and arrays, its root being 1. */
  static final int MAX_NESTING = 97;

  private JsonBson() {}

  /** Why a JSON document cannot be stored; the message is for {@code InvalidDocumentException}. */
  public static final class InvalidJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidJsonException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Writes the JSON object as the value of the writer's current element (the caller has written the
   * name).
   *
   * @throws InvalidJsonException if the text is not one JSON object, holds a field name MongoDB
   *     refuses, or a number no Decimal128 can hold exactly
   */
  public static void writeObject(String json, BsonWriter writer) throws InvalidJsonException {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidJsonException("the JSON is not an object");
      }
      writeDocument(parser, writer);
      if (parser.nextToken() != null) {
        throw new InvalidJsonException("the JSON has text after its object");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidJsonException("the JSON cannot be parsed: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidJsonException("the JSON cannot be read: " + e.getMessage());
    }
  }

  private static void writeDocument(JsonParser parser, BsonWriter writer)
      throws IOException, InvalidJsonException {
    checkDepth(parser);
    writer.writeStartDocument();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      checkFieldName(name, parser);
      writer.writeName(name);
      writeValue(parser, parser.nextToken(), writer);
    }
    if (token != JsonToken.END_OBJECT) {
      throw new InvalidJsonException("the JSON object at '" + path(parser) + "' is not closed");
    }
    writer.writeEndDocument();
  }

  private static void writeArray(JsonParser parser, BsonWriter writer)
      throws IOException, InvalidJsonException {
    checkDepth(parser);
    writer.writeStartArray();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw new InvalidJsonException("the JSON array at '" + path(parser) + "' is not closed");
      }
      writeValue(parser, token, writer);
    }
    writer.writeEndArray();
  }

  private static void writeValue(JsonParser parser, JsonToken token, BsonWriter writer)
      throws IOException, InvalidJsonException {
    switch (token) {
      case START_OBJECT -> writeDocument(parser, writer);
      case START_ARRAY -> writeArray(parser, writer);
      case VALUE_STRING -> writer.writeString(parser.getText());
      case VALUE_TRUE -> writer.writeBoolean(true);
      case VALUE_FALSE -> writer.writeBoolean(false);
      case VALUE_NULL -> writer.writeNull();
      case VALUE_NUMBER_INT -> writeInteger(parser, writer);
      case VALUE_NUMBER_FLOAT -> writer.writeDecimal128(decimal(parser.getDecimalValue(), parser));
      default -> throw new InvalidJsonException(
          "the JSON holds an unexpected token " + token + " at '" + path(parser) + "'");
    }
  }

  private static void writeInteger(JsonParser parser, BsonWriter writer)
      throws IOException, InvalidJsonException {
    switch (parser.getNumberType()) {
      case INT -> writer.writeInt32(parser.getIntValue());
      case LONG -> writer.writeInt64(parser.getLongValue());
      default -> {
        BigInteger value = parser.getBigIntegerValue();
        if (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0) {
          writer.writeInt64(value.longValue());
        } else {
          writer.writeDecimal128(decimal(new BigDecimal(value), parser));
        }
      }
    }
  }

  private static Decimal128 decimal(BigDecimal value, JsonParser parser)
      throws InvalidJsonException {
    try {
      return new Decimal128(value);
    } catch (NumberFormatException e) {
      throw new InvalidJsonException("the number " + value + " at '" + path(parser)
          + "' cannot be held exactly by MongoDB's Decimal128 (34 significant digits)");
    }
  }

  private static void checkDepth(JsonParser parser) throws InvalidJsonException {
    if (parser.getParsingContext().getNestingDepth() > MAX_NESTING) {
      throw new InvalidJsonException("the JSON nests objects and arrays deeper than " + MAX_NESTING
          + " levels at '" + path(parser) + "'; MongoDB stores at most 100 levels, of which the"
          + " store's layout takes 3");
    }
  }

  /**
   * Checks a field name against MongoDB's rules for stored documents.
   *
   * @throws InvalidJsonException naming the field
   */
  private static void checkFieldName(String name, JsonParser parser) throws InvalidJsonException {
    if (name.startsWith("$")) {
      throw new InvalidJsonException("the field name '" + path(parser)
          + "' starts with '$', which MongoDB does not store safely");
    }
    if (name.indexOf('.') >= 0) {
      throw new InvalidJsonException("the field name '" + path(parser)
          + "' contains '.', which MongoDB does not store safely");
    }
    if (name.indexOf('\0') >= 0) {
      throw new InvalidJsonException("the field name '" + path(parser).replace("\0", "\\u0000")
          + "' contains a NUL character, which BSON cannot hold");
    }
  }

  /** Where the parser is, as a JSON Pointer ({@code /lines/0/price}), for messages only. */
  private static String path(JsonParser parser) {
    return parser.getParsingContext().pathAsPointer().toString();
  }

  /**
   * Reads the document the reader is positioned at (its type already read) as JSON text.
   *
   * @throws IllegalStateException if the document holds a BSON type this store never writes
   */
  public static String readObject(BsonReader reader) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      readDocument(reader, generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void readDocument(BsonReader reader, JsonGenerator generator) throws IOException {
    reader.readStartDocument();
    generator.writeStartObject();
    while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
      generator.writeFieldName(reader.readName());
      readValue(reader, generator);
    }
    reader.readEndDocument();
    generator.writeEndObject();
  }

  private static void readValue(BsonReader reader, JsonGenerator generator) throws IOException {
    BsonType type = reader.getCurrentBsonType();
    switch (type) {
      case DOCUMENT -> readDocument(reader, generator);
      case ARRAY -> {
        reader.readStartArray();
        generator.writeStartArray();
        while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
          readValue(reader, generator);
        }
        reader.readEndArray();
        generator.writeEndArray();
      }
      case STRING -> generator.writeString(reader.readString());
      case BOOLEAN -> generator.writeBoolean(reader.readBoolean());
      case NULL -> {
        reader.readNull();
        generator.writeNull();
      }
      case INT32 -> generator.writeNumber(reader.readInt32());
      case INT64 -> generator.writeNumber(reader.readInt64());
      case DOUBLE -> generator.writeNumber(reader.readDouble());
      case DECIMAL128 -> writeDecimal(reader.readDecimal128(), generator);
      default -> throw new IllegalStateException("the stored document holds a BSON " + type
          + " value, which this store never writes (was it edited outside the store?)");
    }
  }

  private static void writeDecimal(Decimal128 value, JsonGenerator generator) throws IOException {
    if (!value.isFinite()) {
      throw new IllegalStateException("the stored document holds the Decimal128 " + value
          + ", which JSON cannot express (was it edited outside the store?)");
    }
    BigDecimal decimal;
    try {
      decimal = value.bigDecimalValue();
    } catch (ArithmeticException negativeZero) {
      generator.writeNumber(value.toString());
      return;
    }
    generator.writeNumber(decimal);
  }
}
