package io.orchestrix.projection.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * A class may use a class of an {@code x.internal} package only if it lives in {@code x} or below
 * it: the package that owns {@code internal} is its module's.
 */
final class InternalAccessCondition extends ArchCondition<JavaClass> {

  private final String root;

  InternalAccessCondition(String root) {
    super("use internal packages of their own module only");
    this.root = root;
  }

  @Override
  public void check(JavaClass origin, ConditionEvents events) {
    for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
      String target = dependency.getTargetClass().getPackageName();
      int internal = target.indexOf(".internal");
      if (!target.startsWith(root) || internal < 0) {
        continue;
      }
      String owner = target.substring(0, internal);
      String from = origin.getPackageName();
      if (!(from.equals(owner) || from.startsWith(owner + "."))) {
        events.add(SimpleConditionEvent.violated(origin, dependency.getDescription()
            + ": package " + target + " is internal to " + owner));
      }
    }
  }
}
