package ai.kolosal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Run in a child JVM by {@link NativeLoaderTest}: loads the native libraries through the first
 * native call, then prints the version and the file each Kolosal library was mapped from.
 */
public final class LoaderProbe {
  private LoaderProbe() {}

  public static void main(String[] args) throws IOException {
    System.out.println("version " + Kolosal.version());
    try (Stream<String> maps = Files.lines(Paths.get("/proc/self/maps"))) {
      maps.filter(line -> line.contains("/libkolosal"))
          .map(line -> line.substring(line.indexOf('/')))
          .distinct()
          .forEach(path -> System.out.println("mapped " + path));
    }
  }
}
