using System;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Pipelines;

/// <summary>
/// Word count whose words are slices of the line (ReadOnlyMemory&lt;char&gt;): grouped by their text,
/// with no string allocated per word.
/// </summary>
[Pipeline]
public partial class SliceWordCount
{
    static void Define(PipelineBuilder p)
    {
        var words = p.ReadLines("lines")
            .FlatMap<ReadOnlyMemory<char>>(static (line, output) =>
            {
                var start = 0;
                while (start < line.Length)
                {
                    var end = line.IndexOf(' ', start);
                    if (end < 0)
                    {
                        end = line.Length;
                    }

                    if (end > start)
                    {
                        output.Emit(line.AsMemory(start, end - start));
                    }

                    start = end + 1;
                }
            });
        words.CountPerElement().Output("counts");
        words.Distinct().Map(static w => w.Length).CombineGlobally(Combiners.Sum<int>()).Output("distinctLetters");
        words.WithKeys(static w => w).Values().Map(static w => KV.Of(w, 1)).CombinePerKey(Combiners.Sum<int>()).Output("sums");
    }
}

public class TextKeyTests(ITestOutputHelper output)
{
    private static readonly Gen<string[]> Lines =
        Gen.Select(Gen.OneOf(Gen.Const("a"), Gen.Const("bb"), Gen.Const("a"), Gen.String[Gen.Char['a', 'c'], 1, 3]).Array[0, 8], ws => string.Join(" ", ws)).Array[0, 30];

    [Fact]
    public void SliceKeysAreGroupedByTheirText() => Lines.Sample(lines =>
    {
        var r = SliceWordCount.Run(TextInput.FromLines(lines));
        var words = lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var expected = words.GroupBy(w => w, StringComparer.Ordinal).Select(g => (g.Key, (long)g.Count())).OrderBy(x => x.Key, StringComparer.Ordinal).ToList();
        var actual = r.Counts.Select(kv => (kv.Key.ToString(), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(new[] { words.Distinct(StringComparer.Ordinal).Sum(w => w.Length) }, r.DistinctLetters);
        Assert.Equal(expected.Select(x => (x.Key, (int)x.Item2)), r.Sums.Select(kv => (kv.Key.ToString(), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal));
    });

    [Fact]
    public void CountingSlicesAllocatesNothingPerWord()
    {
        var vocabulary = Enumerable.Range(0, 2_000).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var lines = Enumerable.Range(0, 100_000)
            .Select(i => string.Join(' ', Enumerable.Range(0, 10).Select(j => vocabulary[(int)((uint)((i * 10 + j) * 2654435761u) % vocabulary.Length)])))
            .ToArray();
        var runner = SliceWordCount.CreateRunner(new NullSink<KV<ReadOnlyMemory<char>, long>>(), new NullSink<int>(), new NullSink<KV<ReadOnlyMemory<char>, int>>());
        runner.PushLines(lines);

        var before = GC.GetAllocatedBytesForCurrentThread();
        runner.PushLines(lines);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes for 1,000,000 words");
        Assert.Equal(0, allocated);
    }
}
