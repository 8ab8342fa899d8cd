package dev.stoa.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of STYLE.md §3 and DESIGN.md §2, checked on the compiled classes: an
 * {@code impl} package is used only inside its own module; the gateway holds sockets and never
 * touches storage; storage roles never reach into the gateway or the state server; the SDK
 * depends on the protocol only.
 */
class ModuleBoundariesTest {
  static final List<String> MODULES =
      List.of("common", "kv", "router", "writer", "reader", "state", "gateway", "sdk", "launcher");
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.stoa");
  }

  @Test
  void implPackagesAreUsedOnlyInsideTheirModule() {
    for (String module : MODULES) {
      noClasses().that().resideOutsideOfPackage("dev.stoa." + module + "..")
          .should().dependOnClassesThat().resideInAPackage("dev.stoa." + module + ".impl..")
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  @Test
  void theGatewayNeverTouchesStorage() {
    noClasses().that().resideInAPackage("dev.stoa.gateway..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.stoa.kv..", "dev.stoa.writer..",
            "dev.stoa.reader..", "dev.stoa.state..", "org.rocksdb..")
        .check(classes);
  }

  @Test
  void storageRolesNeverReachIntoDeliveryRoles() {
    noClasses().that().resideInAnyPackage("dev.stoa.writer..", "dev.stoa.reader..", "dev.stoa.kv..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.stoa.gateway..", "dev.stoa.state..")
        .check(classes);
  }

  @Test
  void theSdkDependsOnTheProtocolOnly() {
    noClasses().that().resideInAPackage("dev.stoa.sdk..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.stoa.common..", "dev.stoa.kv..",
            "dev.stoa.router..", "dev.stoa.writer..", "dev.stoa.reader..", "dev.stoa.state..",
            "dev.stoa.gateway..", "dev.stoa.proto.internal..")
        .check(classes);
  }
}
