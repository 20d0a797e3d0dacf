using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Compiled;
using WordCount;
using Xunit;

namespace Compiled.Tests.Samples;

/// <summary>The main job: the WordCount sample's pipeline over the corpus that ships with the repo.</summary>
public class WordCountSampleTests
{
    private static string Corpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", "prose.txt");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/data/prose.txt not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void CountsOfTheShippedCorpusEqualAHandWrittenCount()
    {
        var path = Corpus();
        var results = WordCountPipeline.Run(TextInput.FromFile(path));

        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        var lines = 0L;
        foreach (var line in File.ReadLines(path))
        {
            lines++;
            foreach (var word in System.Text.RegularExpressions.Regex.Matches(line.ToLowerInvariant(), @"\p{L}+(?:'\p{L}+)*").Select(m => m.Value))
            {
                expected[word] = expected.GetValueOrDefault(word) + 1;
            }
        }

        var actual = results.Counts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value, StringComparer.Ordinal);
        Assert.Equal(expected.Count, actual.Count);
        Assert.All(expected, kv => Assert.Equal(kv.Value, actual[kv.Key]));
        Assert.Equal(expected.Values.Sum(), results.WordTotal.Single());
        Assert.Equal(lines, results.LineTotal.Single());
    }

    [Fact]
    public void TokenizerKeepsApostrophesInsideWords()
    {
        var r = WordCountPipeline.Run(TextInput.FromLines(new[] { "Don't 'quote' me, it's X-ray's!" }));
        var words = r.Counts.Select(kv => kv.Key.ToString()).OrderBy(w => w, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "don't", "it's", "me", "quote", "ray's", "x" }, words);
    }
}
