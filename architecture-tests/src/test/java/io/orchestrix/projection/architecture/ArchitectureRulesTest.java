package io.orchestrix.projection.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The structure every module keeps, checked on the compiled main classes of all library modules:
 * no package cycles, an API with no third-party dependency, stores that use the API and not the
 * engine, and {@code internal} packages used only by their own module's packages.
 */
class ArchitectureRulesTest {

  private static final String ROOT = "io.orchestrix.projection";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar")
            && !location.contains("/test-classes/"))
        .importPackages(ROOT);
  }

  @Test
  void everyModuleIsImported() {
    for (String module : new String[] {ROOT, ROOT + ".spi", ROOT + ".core", ROOT + ".jdbc",
        ROOT + ".eventstore.jdbc", ROOT + ".mongo", ROOT + ".redis", ROOT + ".kafka", ROOT + ".tck"}) {
      if (classes.stream().noneMatch(type -> type.getPackageName().equals(module))) {
        throw new AssertionError("no classes imported from " + module
            + ": the rules below would pass without looking at it");
      }
    }
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theApiDependsOnNothingButTheJdkAndJSpecify() {
    classes().that().resideInAnyPackage(ROOT, ROOT + ".spi..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".spi..", "java..",
            "org.jspecify.annotations..")
        .check(classes);
  }

  @Test
  void storesAndSourcesUseTheApiNotTheEngine() {
    noClasses().that().resideInAnyPackage(ROOT + ".jdbc..", ROOT + ".mongo..", ROOT + ".redis..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".core..")
        .check(classes);
  }

  @Test
  void internalPackagesAreUsedOnlyWithinTheirOwnModule() {
    classes().that().resideInAPackage(ROOT + "..")
        .should(new InternalAccessCondition(ROOT))
        .check(classes);
  }
}
