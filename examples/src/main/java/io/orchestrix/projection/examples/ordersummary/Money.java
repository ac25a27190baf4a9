package io.orchestrix.projection.examples.ordersummary;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Formats money as the seed prints it: {@code $269.97}. */
final class Money {

  private Money() {}

  static String format(BigDecimal amount) {
    return "$" + amount.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
  }
}
