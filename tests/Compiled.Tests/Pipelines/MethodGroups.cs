using System;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.Pipelines;

/// <summary>Transforms given as method groups, including a FlatMap whose emitter is a type parameter.</summary>
[Pipeline]
public partial class MethodGroups
{
    static void Define(PipelineBuilder p) =>
        p.Create<string>("lines")
         .FlatMap<string>(SplitWords)
         .Filter(IsWord)
         .Map(Upper)
         .Output("words");

    private static void SplitWords<TEmit>(string line, TEmit output)
        where TEmit : IEmitter<string>
    {
        foreach (var word in line.Split(','))
        {
            output.Emit(word);
        }
    }

    private static bool IsWord(string s) => s.Length > 0;

    private static string Upper(string s) => s.ToUpperInvariant();
}

public class MethodGroupTests
{
    [Fact]
    public void MethodGroupsRunLikeLambdas()
    {
        var lines = new[] { "a,b", "", "c,,d" };
        var r = MethodGroups.Run(lines);
        Assert.Equal(new[] { "A", "B", "C", "D" }, r.Words);
    }

}
