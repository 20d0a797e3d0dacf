using System;
using System.Linq;
using System.Threading.Tasks;
using Compiled;
using Xunit;

namespace Compiled.Tests.Pipelines;

/// <summary>Lines through unchanged: what a ReadLines input hands the pipeline.</summary>
[Pipeline]
public partial class NonEmptyLines
{
    static void Define(PipelineBuilder p) =>
        p.ReadLines("lines")
         .Filter(static line => line.Length > 0)
         .Output("kept");
}

/// <summary>Lines already in memory (<see cref="TextInput.FromLines"/>) are used as they are: no copy per line.</summary>
public class InMemoryLinesTests
{
    private static readonly string[] Lines = Enumerable.Range(0, 1_000).Select(i => i % 10 == 0 ? string.Empty : "line " + i).ToArray();

    [Fact(DisplayName = "Run over TextInput.FromLines hands the pipeline the caller's strings, not copies")]
    public void RunUsesTheStrings()
    {
        var kept = NonEmptyLines.Run(TextInput.FromLines(Lines)).Kept;
        var expected = Lines.Where(l => l.Length > 0).ToList();
        Assert.Equal(expected, kept);
        Assert.All(kept.Zip(expected), pair => Assert.Same(pair.Second, pair.First));
    }

    [Fact(DisplayName = "ReadAsync and a split input (parts of a list) also hand over the strings")]
    public async Task AsyncAndSplitUseTheStrings()
    {
        var sink = new ListSink<string>();
        var runner = NonEmptyLines.CreateRunner(sink);
        await runner.ReadLinesAsync(TextInput.FromLines(Lines));
        foreach (var part in TextInput.FromLines(Lines).Split(3))
        {
            runner.ReadLines(part);
        }

        runner.Finish();
        var expected = Lines.Where(l => l.Length > 0).ToList();
        Assert.Equal(expected.Concat(expected), sink.Items);
        Assert.All(sink.Items.Zip(expected.Concat(expected)), pair => Assert.Same(pair.Second, pair.First));
    }

    [Fact(DisplayName = "Reading lines already in memory allocates nothing per line")]
    public void NoAllocationPerLine()
    {
        var many = Enumerable.Range(0, 100_000).Select(i => "line " + i).ToArray();
        var runner = NonEmptyLines.CreateRunner(new NullSink<string>());
        runner.ReadLines(TextInput.FromLines(many)); // warm-up
        var input = TextInput.FromLines(many);
        var before = GC.GetAllocatedBytesForCurrentThread();
        runner.ReadLines(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000, $"{allocated} bytes for {many.Length:N0} lines");
        runner.Finish();
    }

    [Fact(DisplayName = "A line read from a text still becomes a string of its own")]
    public void TextLinesAreCopied()
    {
        Assert.Equal(new[] { "a", "b" }, NonEmptyLines.Run(TextInput.FromString("a\n\nb")).Kept);
    }
}
