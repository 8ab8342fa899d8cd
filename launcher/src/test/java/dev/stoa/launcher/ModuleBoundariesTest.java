package dev.stoa.launcher;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, checked on the compiled main classes of every module, as an allowlist
 * (the idea of Kafka's import-control files): each module's packages may use the Stoa packages
 * listed for it and no others, and every Stoa package belongs to a listed module, so a new one
 * cannot slip past. An {@code impl} package, at any depth, is used only from the package that
 * holds it. Role logic never touches the bindings (gRPC stubs, Hazelcast): it sees the service
 * interfaces only, through the cluster's service directory, and of the cluster module only its
 * API package (not {@code cluster.internal}, which is for the router's tables). The gateway holds sockets and never touches
 * storage; the SDK depends on the client protocol only.
 */
class ModuleBoundariesTest {
  /** Module package -> the Stoa packages its classes may depend on (its own included). */
  static final Map<String, List<String>> ALLOWED = allowed();
  static final List<String> ROLES = List.of("dev.stoa.writer", "dev.stoa.reader", "dev.stoa.state",
      "dev.stoa.gateway", "dev.stoa.index");
  static JavaClasses classes;

  private static Map<String, List<String>> allowed() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("dev.stoa.proto", List.of("dev.stoa.proto.."));
    m.put("dev.stoa.common", List.of("dev.stoa.common..", "dev.stoa.proto.client.."));
    m.put("dev.stoa.kv", List.of("dev.stoa.kv..", "dev.stoa.common.."));
    m.put("dev.stoa.cluster", List.of("dev.stoa.cluster..", "dev.stoa.common..", "dev.stoa.proto.."));
    m.put("dev.stoa.router", List.of("dev.stoa.router..", "dev.stoa.cluster..", "dev.stoa.common..",
        "dev.stoa.proto.."));
    m.put("dev.stoa.index", List.of("dev.stoa.index..", "dev.stoa.cluster", "dev.stoa.common..", "dev.stoa.proto.."));
    m.put("dev.stoa.writer", List.of("dev.stoa.writer..", "dev.stoa.cluster", "dev.stoa.kv..", "dev.stoa.router..", "dev.stoa.common..",
        "dev.stoa.proto.."));
    m.put("dev.stoa.reader", List.of("dev.stoa.reader..", "dev.stoa.cluster", "dev.stoa.kv..", "dev.stoa.router..", "dev.stoa.common..",
        "dev.stoa.proto.."));
    m.put("dev.stoa.state", List.of("dev.stoa.state..", "dev.stoa.cluster", "dev.stoa.router..", "dev.stoa.common..", "dev.stoa.proto.."));
    m.put("dev.stoa.gateway", List.of("dev.stoa.gateway..", "dev.stoa.cluster", "dev.stoa.router..", "dev.stoa.common..",
        "dev.stoa.proto.."));
    m.put("dev.stoa.sdk", List.of("dev.stoa.sdk..", "dev.stoa.proto", "dev.stoa.proto.client.."));
    m.put("dev.stoa.launcher", List.of("dev.stoa.."));
    m.put("dev.stoa.bench", List.of("dev.stoa.."));
    return m;
  }

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.stoa");
  }

  @Test
  void everyModuleUsesOnlyTheStoaPackagesAllowedForIt() {
    ALLOWED.forEach((module, allowed) -> noClasses().that().resideInAPackage(module + "..")
        .should().dependOnClassesThat(resideInAPackage("dev.stoa..").and(not(resideInAnyPackage(
            allowed.toArray(String[]::new)))))
        .because(module + " may use " + allowed + " only")
        .allowEmptyShould(true)
        .check(classes));
  }

  @Test
  void everyStoaPackageBelongsToAListedModule() {
    Set<String> unlisted = new TreeSet<>();
    for (JavaClass c : classes) {
      String pkg = c.getPackageName();
      if (ALLOWED.keySet().stream().noneMatch(m -> pkg.equals(m) || pkg.startsWith(m + "."))) {
        unlisted.add(pkg);
      }
    }
    assertThat(unlisted).as("packages of no module in ModuleBoundariesTest.ALLOWED").isEmpty();
    assertThat(classes.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith("dev.stoa.index.wal.impl")))
        .as("the classes are imported (nested impl packages included)").isNotEmpty();
  }

  @Test
  void implPackagesAtAnyDepthAreUsedOnlyFromThePackageThatHoldsThem() {
    Set<String> implPackages = new TreeSet<>();
    for (JavaClass c : classes) {
      String pkg = c.getPackageName();
      int impl = pkg.indexOf(".impl");
      if (impl > 0 && (pkg.length() == impl + 5 || pkg.charAt(impl + 5) == '.')) {
        implPackages.add(pkg.substring(0, impl + 5));
      }
    }
    assertThat(implPackages).contains("dev.stoa.index.wal.impl", "dev.stoa.cluster.impl", "dev.stoa.router.impl",
        "dev.stoa.gateway.impl");
    for (String impl : implPackages) {
      String holder = impl.substring(0, impl.length() - ".impl".length());
      noClasses().that().resideOutsideOfPackage(holder + "..")
          .should().dependOnClassesThat().resideInAPackage(impl + "..")
          .because(impl + " is " + holder + "'s own")
          .check(classes);
    }
  }

  @Test
  void roleLogicSeesServiceInterfacesNeverTheirBindings() {
    for (String role : ROLES) {
      noClasses().that().resideInAPackage(role + "..")
          .should().dependOnClassesThat(resideInAnyPackage("io.vertx.grpc..", "io.grpc..", "com.hazelcast..")
              .or(simpleNameEndingWith("GrpcClient")).or(simpleNameEndingWith("GrpcService")))
          .because("a role reaches other roles through the cluster's ServiceDirectory, whatever the binding")
          .check(classes);
    }
  }

  @Test
  void theGatewayNeverTouchesStorage() {
    noClasses().that().resideInAPackage("dev.stoa.gateway..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.stoa.kv..", "dev.stoa.writer..",
            "dev.stoa.reader..", "dev.stoa.state..", "dev.stoa.index..", "org.rocksdb..")
        .check(classes);
  }

  @Test
  void theSdkDependsOnTheClientProtocolOnly() {
    noClasses().that().resideInAPackage("dev.stoa.sdk..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.stoa.proto.internal..")
        .check(classes);
  }
}
