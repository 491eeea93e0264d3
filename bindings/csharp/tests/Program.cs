using System.Collections.Generic;

namespace Kolosal.Tests {

/// <summary>Runs this assembly's NUnit tests with NUnit's console runner library.</summary>
public static class Program {
  public static int Main(string[] args) {
    var arguments = new List<string> {
      typeof(Program).Assembly.Location, "-nologo", "-noshadow", "-nothread", "-noresult",
      "-labels",
    };
    arguments.AddRange(args);
    return NUnit.ConsoleRunner.Runner.Main(arguments.ToArray());
  }
}

}  // namespace Kolosal.Tests
