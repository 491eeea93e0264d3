using System.Collections;
using System.Collections.Specialized;

namespace Kolosal {

/// <summary>
/// JSON text handed to the library as a config or options argument. The library checks it when
/// the call that takes it runs: an unknown key fails there with a did-you-mean suggestion.
/// </summary>
public abstract class JsonConfig {
  /// <summary>The JSON text handed to the library (null: the library's defaults).</summary>
  public string Json { get; }

  internal JsonConfig(string json) {
    Json = json;
  }

  public override string ToString() => Json;
}

/// <summary>Builds a JSON object whose keys keep the order they were set in.</summary>
public abstract class ObjectBuilder<TBuilder> where TBuilder : ObjectBuilder<TBuilder> {
  private readonly OrderedDictionary root = new OrderedDictionary();

  internal ObjectBuilder() {}

  /// <summary>Any other key (strings, numbers, booleans, lists, dictionaries).</summary>
  public TBuilder Set(string key, object value) {
    root[key] = value;
    return (TBuilder)this;
  }

  /// <summary>
  /// The keys set so far, then each non-empty nested dictionary under its name (pairs of name
  /// and dictionary); null when nothing is set.
  /// </summary>
  internal string Write(params object[] namedDictionaries) {
    var all = new OrderedDictionary();
    foreach (DictionaryEntry entry in root) all[entry.Key] = entry.Value;
    for (int idx = 0; idx + 1 < namedDictionaries.Length; idx += 2) {
      var nested = (IDictionary)namedDictionaries[idx + 1];
      if (nested.Count > 0) all[namedDictionaries[idx]] = nested;
    }
    return all.Count == 0 ? null : Kolosal.Json.Write(all);
  }
}

}  // namespace Kolosal
