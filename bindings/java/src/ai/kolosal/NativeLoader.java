package ai.kolosal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads libkolosal and the JNI library libkolosal_java, once, before the first native call.
 *
 * <p>Where from, in order:
 * <ol>
 *   <li>the system property {@value #PATH_PROPERTY} or else the environment variable
 *       {@value #PATH_ENV}: a list of directories (separated by {@link File#pathSeparator})
 *       searched for each library;
 *   <li>the jar: {@code /native/<os>-<arch>/} (e.g. {@code /native/linux-x86_64/}), extracted to
 *       a fresh temporary directory, loaded, and deleted (the loaded code stays mapped);
 *   <li>{@code System.loadLibrary}, i.e. {@code java.library.path}.
 * </ol>
 * libkolosal is loaded first, by full path, so that the JNI library's dependency on it resolves
 * to the same copy.
 */
public final class NativeLoader {
  /** System property that overrides where the native libraries are loaded from. */
  public static final String PATH_PROPERTY = "kolosal.library.path";
  /** Environment variable that overrides where the native libraries are loaded from. */
  public static final String PATH_ENV = "KOLOSAL_LIBRARY_PATH";

  private static final String[] LIBRARIES = {"kolosal", "kolosal_java"};
  private static boolean loaded;

  private NativeLoader() {}

  /** Loads the native libraries if that has not happened yet. Thread-safe. */
  public static synchronized void load() {
    if (loaded) {
      return;
    }
    String override = System.getProperty(PATH_PROPERTY);
    if (override == null || override.isEmpty()) {
      override = System.getenv(PATH_ENV);
    }
    if (override != null && !override.isEmpty()) {
      loadFromDirectories(override);
    } else if (NativeLoader.class.getResource(resource(LIBRARIES[0])) != null) {
      loadFromJar();
    } else {
      for (String library : LIBRARIES) {
        System.loadLibrary(library);
      }
    }
    loaded = true;
  }

  /** The resource directory for this platform, e.g. "/native/linux-x86_64/". */
  public static String resourceDirectory() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String osName = os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os;
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
    return "/native/" + osName + "-" + archName + "/";
  }

  private static String resource(String library) {
    return resourceDirectory() + System.mapLibraryName(library);
  }

  private static void loadFromDirectories(String pathList) {
    List<Path> directories = new ArrayList<>();
    for (String entry : pathList.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        directories.add(Paths.get(entry));
      }
    }
    for (String library : LIBRARIES) {
      String file = System.mapLibraryName(library);
      Path found = null;
      for (Path directory : directories) {
        if (Files.isRegularFile(directory.resolve(file))) {
          found = directory.resolve(file);
          break;
        }
      }
      if (found == null) {
        throw new UnsatisfiedLinkError(
            file + " not found in " + PATH_PROPERTY + "/" + PATH_ENV + " = " + pathList);
      }
      System.load(found.toAbsolutePath().toString());
    }
  }

  private static void loadFromJar() {
    Path directory = null;
    try {
      directory = Files.createTempDirectory("kolosal-native-");
      for (String library : LIBRARIES) {
        Path target = directory.resolve(System.mapLibraryName(library));
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource(library))) {
          if (in == null) {
            throw new UnsatisfiedLinkError("missing resource " + resource(library));
          }
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        System.load(target.toAbsolutePath().toString());
      }
    } catch (IOException error) {
      UnsatisfiedLinkError failure =
          new UnsatisfiedLinkError("cannot extract the Kolosal native libraries: " + error);
      failure.initCause(error);
      throw failure;
    } finally {
      deleteQuietly(directory);
    }
  }

  private static void deleteQuietly(Path directory) {
    if (directory == null) {
      return;
    }
    for (String library : LIBRARIES) {
      try {
        Files.deleteIfExists(directory.resolve(System.mapLibraryName(library)));
      } catch (IOException ignored) {
        // A leftover file in the temporary directory is harmless.
      }
    }
    try {
      Files.deleteIfExists(directory);
    } catch (IOException ignored) {
      // As above.
    }
  }
}
