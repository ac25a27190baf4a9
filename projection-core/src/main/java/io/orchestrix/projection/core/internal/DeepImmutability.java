package io.orchestrix.projection.core.internal;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Tells whether every instance of a class is deeply immutable: a record whose components are
 * primitives, strings, boxed numbers, {@link BigDecimal}, {@link BigInteger}, enums, {@link UUID},
 * {@code java.time} values, or such records. Conservative: collections, arrays and other classes
 * answer false. The engine may share such objects within a batch instead of copying them through JSON.
 */
final class DeepImmutability {

  private static final Set<Class<?>> VALUES = Set.of(String.class, Boolean.class, Byte.class,
      Short.class, Integer.class, Long.class, Float.class, Double.class, Character.class,
      BigDecimal.class, BigInteger.class, UUID.class, Instant.class, LocalDate.class,
      LocalDateTime.class, LocalTime.class, OffsetDateTime.class, ZonedDateTime.class,
      Duration.class, Period.class, Year.class, YearMonth.class, MonthDay.class, ZoneOffset.class);

  private DeepImmutability() {}

  static boolean of(Class<?> type) {
    return of(type, new HashSet<>());
  }

  private static boolean of(Class<?> type, Set<Class<?>> seen) {
    if (type.isPrimitive() || type.isEnum() || VALUES.contains(type)) {
      return true;
    }
    if (!type.isRecord()) {
      return false;
    }
    if (!seen.add(type)) {
      return true;
    }
    for (RecordComponent component : type.getRecordComponents()) {
      if (!of(component.getType(), seen)) {
        return false;
      }
    }
    return true;
  }
}
