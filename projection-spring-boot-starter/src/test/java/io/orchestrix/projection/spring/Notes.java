package io.orchestrix.projection.spring;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.ReadModel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A small domain for the starter's tests: notes written and tagged, in two projections. */
final class Notes {

  private Notes() {}

  record NoteWritten(String id, String text) {}

  record Note(String id, String text) {}

  record Tagged(String tag, long count) {}

  /** Keeps one document per note; a note whose text is "fail" makes its handler throw. */
  @Projection(id = "notes")
  static class NotesProjection {
    static final ReadModel<Note> NOTES = ReadModel.builder("notes", Note.class)
        .id(Note::id).index("text", Note::text).build();

    @Handles
    void on(NoteWritten event, HandlerContext context) {
      if (event.text().equals("fail")) {
        throw new IllegalStateException("note " + event.id() + " cannot be kept");
      }
      context.readModel(NOTES).save(new Note(event.id(), event.text()));
    }
  }

  /** Counts notes per text, in a read model declared on another class. */
  @Projection(id = "tags", readModels = TagModels.class)
  static class TagsProjection {
    @Handles
    void on(NoteWritten event, HandlerContext context) {
      var tags = context.readModel(TagModels.TAGS);
      long count = tags.findById(event.text()).map(Tagged::count).orElse(0L);
      tags.save(new Tagged(event.text(), count + 1));
    }
  }

  static final class TagModels {
    static final ReadModel<Tagged> TAGS = ReadModel.builder("tags", Tagged.class)
        .id(Tagged::tag).build();
  }

  /** A projection whose handler waits for the test to release it: a batch held in flight. */
  @Projection(id = "slow")
  static class SlowProjection {
    static final ReadModel<Note> SLOW_NOTES = ReadModel.builder("slow_notes", Note.class)
        .id(Note::id).build();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Handles
    void on(NoteWritten event, HandlerContext context) throws InterruptedException {
      entered.countDown();
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the batch");
      }
      context.readModel(SLOW_NOTES).save(new Note(event.id(), event.text()));
    }
  }
}
