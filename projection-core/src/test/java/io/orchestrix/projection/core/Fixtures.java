package io.orchestrix.projection.core;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelRepository;
import io.orchestrix.projection.HandlerContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Events, a read model and helpers shared by the engine tests. */
final class Fixtures {

  private Fixtures() {}

  interface AccountEvent {
    String account();
  }

  record Opened(String account, String owner) implements AccountEvent {}

  record Deposited(String account, long amount) implements AccountEvent {}

  record Closed(String account) implements AccountEvent {}

  record Unhandled(String note) {}

  record Account(String id, String owner, long balance, String status) {}

  static final ReadModel<Account> ACCOUNTS = ReadModel.builder("account", Account.class)
      .id(Account::id)
      .index("owner", Account::owner)
      .index("status", Account::status)
      .build();

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static EventEnvelope<Object> event(long position, Object payload) {
    String stream = payload instanceof AccountEvent e ? e.account() : "misc";
    return EventEnvelope.of("evt-" + position, stream, position, T0.plusSeconds(position), payload);
  }

  /** Events at positions from, from+1, ... for the payloads. */
  static List<EventEnvelope<?>> events(long from, Object... payloads) {
    List<EventEnvelope<?>> events = new ArrayList<>();
    for (int i = 0; i < payloads.length; i++) {
      events.add(event(from + i, payloads[i]));
    }
    return events;
  }

  /** Registers the account handlers that keep {@link #ACCOUNTS}. */
  static void accountHandlers(io.orchestrix.projection.ProjectionEngine engine) {
    engine.on(Opened.class, (Opened e, HandlerContext c) ->
        c.readModel(ACCOUNTS).save(new Account(e.account(), e.owner(), 0, "OPEN")));
    engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
      ReadModelRepository<Account> accounts = c.readModel(ACCOUNTS);
      Account account = accounts.findById(e.account()).orElseThrow(
          () -> new IllegalStateException("no account " + e.account()));
      if (e.amount() < 0) {
        throw new IllegalArgumentException("negative deposit " + e.amount());
      }
      accounts.save(new Account(account.id(), account.owner(), account.balance() + e.amount(),
          account.status()));
    });
    engine.on(Closed.class, (Closed e, HandlerContext c) -> c.readModel(ACCOUNTS).deleteById(e.account()));
  }
}
