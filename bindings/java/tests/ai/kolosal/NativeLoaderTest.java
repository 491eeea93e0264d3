package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where NativeLoader loads the native libraries from: the environment variable
 * KOLOSAL_LIBRARY_PATH, the system property kolosal.library.path (which wins) and the jar.
 * Each case runs {@link LoaderProbe} in a child JVM, because a JVM loads the libraries once.
 */
class NativeLoaderTest {
  private static final String[] LIBRARIES = {"kolosal", "kolosal_java"};

  /** What a child JVM printed (stdout and stderr) and its exit code. */
  private static final class Run {
    final int exitCode;
    final String output;

    Run(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }

    /** The files the Kolosal libraries were mapped from. */
    List<String> mapped() {
      return output.lines()
          .filter(line -> line.startsWith("mapped "))
          .map(line -> line.substring("mapped ".length()))
          .collect(Collectors.toList());
    }
  }

  private static Path codeSource(Class<?> type) throws URISyntaxException {
    return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Copies the jar's native libraries into `directory`, as a user's own folder would hold them. */
  private static void copyLibrariesFromTheJar(Path directory) throws IOException {
    for (String library : LIBRARIES) {
      String resource = NativeLoader.resourceDirectory() + System.mapLibraryName(library);
      try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
        assertTrue(in != null, "the jar lacks " + resource);
        Files.copy(in, directory.resolve(System.mapLibraryName(library)));
      }
    }
  }

  /** Runs LoaderProbe with KOLOSAL_LIBRARY_PATH = `envPath` (unset when null). */
  private static Run probe(String envPath, String... jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.add("-cp");
    command.add(codeSource(NativeLoader.class) + File.pathSeparator + codeSource(LoaderProbe.class));
    command.add(LoaderProbe.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.remove(NativeLoader.PATH_ENV);
    if (envPath != null) {
      environment.put(NativeLoader.PATH_ENV, envPath);
    }
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(child.waitFor(), output);
  }

  private static void assertLoadedFrom(Path directory, Run run) throws IOException {
    assertEquals(0, run.exitCode, run.output);
    assertTrue(run.output.contains("version " + Kolosal.version()), run.output);
    String prefix = directory.toRealPath() + File.separator;
    for (String library : LIBRARIES) {
      assertTrue(run.mapped().contains(prefix + System.mapLibraryName(library)),
          System.mapLibraryName(library) + " not mapped from " + prefix + ": " + run.output);
    }
    for (String file : run.mapped()) {
      assertTrue(file.startsWith(prefix), "mapped from elsewhere: " + file);
    }
  }

  @Test
  void theEnvironmentVariableOverridesTheJar(@TempDir Path libraries) throws Exception {
    copyLibrariesFromTheJar(libraries);
    assertLoadedFrom(libraries, probe(libraries.toString()));
  }

  @Test
  void theEnvironmentVariableIsAListOfFolders(@TempDir Path root) throws Exception {
    Path empty = Files.createDirectory(root.resolve("empty"));
    Path libraries = Files.createDirectory(root.resolve("libraries"));
    copyLibrariesFromTheJar(libraries);
    assertLoadedFrom(libraries, probe(empty + File.pathSeparator + libraries));
  }

  @Test
  void aFolderWithoutTheLibrariesFailsNamingTheVariable(@TempDir Path empty) throws Exception {
    Run run = probe(empty.toString());
    assertNotEquals(0, run.exitCode, run.output);
    assertTrue(run.output.contains("UnsatisfiedLinkError"), run.output);
    assertTrue(run.output.contains(System.mapLibraryName("kolosal") + " not found in "
                   + NativeLoader.PATH_PROPERTY + "/" + NativeLoader.PATH_ENV + " = " + empty),
        run.output);
  }

  @Test
  void theSystemPropertyWinsOverTheEnvironment(@TempDir Path root) throws Exception {
    Path empty = Files.createDirectory(root.resolve("empty"));
    Path libraries = Files.createDirectory(root.resolve("libraries"));
    copyLibrariesFromTheJar(libraries);
    assertLoadedFrom(libraries,
        probe(empty.toString(), "-D" + NativeLoader.PATH_PROPERTY + "=" + libraries));
  }

  @Test
  void withoutAnOverrideTheJarsCopyIsExtracted() throws Exception {
    Run run = probe(null);
    assertEquals(0, run.exitCode, run.output);
    assertEquals(LIBRARIES.length, run.mapped().size(), run.output);
    for (String file : run.mapped()) {
      // Extracted to a fresh temporary folder and deleted once loaded.
      assertTrue(file.contains(File.separator + "kolosal-native-"), file);
      assertTrue(file.endsWith(" (deleted)"), file);
    }
  }
}
