package io.orchestrix.projection.mongo.internal;

import io.orchestrix.projection.DeadLetter;
import java.time.Instant;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * The layout of a dead letter in the dead-letter collection, one document per projection and
 * position: {@code _id} is {@code "<projection id>:<position>"} (a projection id never holds a
 * colon), {@code projectionId} and {@code position} are indexed together, instants are ISO-8601
 * text so that they read back exactly. Thread-safe; stateless.
 */
public final class DeadLetterDocuments {

  /** The projection id field. */
  public static final String PROJECTION_ID = "projectionId";
  /** The position field. */
  public static final String POSITION = "position";

  private DeadLetterDocuments() {}

  /** The {@code _id} of a projection's dead letter at a position. */
  public static BsonString id(String projectionId, long position) {
    return new BsonString(projectionId + ":" + position);
  }

  /** The dead letter as stored. */
  public static BsonDocument document(DeadLetter letter) {
    return new BsonDocument("_id", id(letter.projectionId(), letter.position()))
        .append(PROJECTION_ID, new BsonString(letter.projectionId()))
        .append(POSITION, new BsonInt64(letter.position()))
        .append("eventId", new BsonString(letter.eventId()))
        .append("streamId", new BsonString(letter.streamId()))
        .append("eventType", new BsonString(letter.eventType()))
        .append("envelopeJson", new BsonString(letter.envelopeJson()))
        .append("handler", new BsonString(letter.handler()))
        .append("errorType", new BsonString(letter.errorType()))
        .append("errorMessage", new BsonString(letter.errorMessage()))
        .append("stackTrace", new BsonString(letter.stackTrace()))
        .append("attempts", new BsonInt32(letter.attempts()))
        .append("firstFailureAt", new BsonString(letter.firstFailureAt().toString()))
        .append("lastFailureAt", new BsonString(letter.lastFailureAt().toString()));
  }

  /** The dead letter a stored document holds. */
  public static DeadLetter deadLetter(BsonDocument stored) {
    return new DeadLetter(
        text(stored, PROJECTION_ID),
        stored.getNumber(POSITION).longValue(),
        text(stored, "eventId"),
        text(stored, "streamId"),
        text(stored, "eventType"),
        text(stored, "envelopeJson"),
        text(stored, "handler"),
        text(stored, "errorType"),
        text(stored, "errorMessage"),
        text(stored, "stackTrace"),
        stored.getNumber("attempts").intValue(),
        Instant.parse(text(stored, "firstFailureAt")),
        Instant.parse(text(stored, "lastFailureAt")));
  }

  private static String text(BsonDocument stored, String field) {
    return stored.getString(field).getValue();
  }
}
