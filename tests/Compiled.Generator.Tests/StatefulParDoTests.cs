using System;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Stateful ParDo declarations: what Beam rejects when a pipeline runs (ParDoTest's testStateNotKeyed,
/// testTimerNotKeyed, testAbsoluteProcessingTimeTimerRejected, ...) is a diagnostic at its location when it is built, one
/// per mistake; a valid declaration compiles, without warnings, into a runner whose parallel members say they are not
/// supported yet.
/// </summary>
public class StatefulParDoTests
{
    private const string Prelude = """
        using System;
        using Compiled;

        namespace Demo;

        public struct Counter
        {
            public ValueState<int> Count;
            public EventTimeTimer Flush;
        }

        public struct Buffer
        {
            public BagState<int> Items;
            public CombiningState<int, int, int, SumFn<int>> Sum;
        }

        public struct Poll
        {
            public ProcessingTimeTimer Next;
        }

        """;

    private static GeneratorRun Run(string define, string types = "") => GeneratorHarness.Run(Prelude + types + """

        [Pipeline]
        public partial class P
        {
            static void Define(PipelineBuilder p)
            {

        """ + define + "\n    }\n}\n");

    private static string Message(Diagnostic d) => d.GetMessage(CultureInfo.InvariantCulture);

    /// <summary>The source text a diagnostic points at (generator diagnostics carry a file path and span, not a tree).</summary>
    private static string At(GeneratorRun run, Diagnostic d)
    {
        var tree = d.Location.SourceTree ?? run.Output.SyntaxTrees.Single(t => t.FilePath == d.Location.GetLineSpan().Path);
        return tree.GetText().ToString(d.Location.SourceSpan);
    }

    [Fact]
    public void AValidStatefulParDoCompilesWithoutWarnings()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(
                         static (string key, int value, ref Counter state, ProcessContext context, IEmitter<int> output) =>
                         {
                             state.Count.Write(state.Count.ReadOrDefault(0) + value);
                             state.Flush.Set(context.Window.MaxTimestamp);
                         },
                         onTimer: static (string key, ref Counter state, TimerContext timer, IEmitter<int> output) => output.Emit(state.Count.Read()))
                     .Output("out");
            """);
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        var source = run.SingleSource;
        Assert.Contains("global::Compiled.Execution.KeyedStates<string, global::Demo.Counter>", source, StringComparison.Ordinal);
        Assert.Contains("state.Flush = global::Compiled.EventTimeTimer.Bind(_states1.Timers, slot, 0);", source, StringComparison.Ordinal);
        Assert.Contains("state.Count.Clear();", source, StringComparison.Ordinal);
    }

    [Fact]
    public void AStatefulPipelineRunsOnBothParallelRunners()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(static (string key, int value, ref Buffer state, ProcessContext context, IEmitter<int> output) => state.Items.Add(value))
                     .Output("out");
            """);
        Assert.Empty(run.CompilationDiagnostics);
        var source = run.SingleSource;
        Assert.Contains("static Results Run(global::System.ReadOnlyMemory<global::Compiled.KV<string, int>> @in, int parallelism", source, StringComparison.Ordinal);
        Assert.DoesNotContain("The parallel batch runner of P is not generated", source, StringComparison.Ordinal);
        Assert.Contains("__Route1(__ShardOf1(", source, StringComparison.Ordinal); // elements go to their key's shard
        Assert.Contains("static ParallelRunner<TOut> CreateParallelRunner<TOut>(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("NotSupportedException", source, StringComparison.Ordinal);
        // The ParDo's shards hear the watermark before every element sent after it moved: relative timers read it.
        Assert.Contains("watermarkBeforeEveryElement: true", source, StringComparison.Ordinal);
    }

    /// <summary>A cell type the compiler cannot bind (a wrong number of type arguments): the compiler's error and one diagnostic at the field; nothing generated adds errors of its own.</summary>
    [Fact]
    public void AMalformedCellTypeIsReportedAtTheFieldAndGeneratesNoErrors()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(static (string key, int value, ref Broken state, ProcessContext context, IEmitter<int> output) => state.Sum.Add(value))
                     .Output("out");
            """, """
            public struct Broken
            {
                public CombiningState<int, int, int> Sum;
            }

            """);
        Assert.Empty(run.Exceptions);
        var errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("CS0305", e.Id));
        Assert.All(errors, e => Assert.DoesNotContain(".g.cs", e.Location.GetLineSpan().Path, StringComparison.Ordinal));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("Sum", At(run, diagnostic)); // at the field
        Assert.Contains("the type of 'Sum' does not compile", Message(diagnostic), StringComparison.Ordinal);
    }

    /// <summary>testStateNotKeyed and testTimerNotKeyed: Beam fails with "ParDo requires its input to use KvCoder in order to use state and timers".</summary>
    [Fact]
    public void StateOnAnUnkeyedInputIsOneCompileErrorAtTheCall()
    {
        var run = Run("""
                    p.Create<string>("in")
                     .ParDo(static (string element, ref Counter state, ProcessContext context, IEmitter<int> output) => { })
                     .Output("out");
            """);
        Assert.Empty(run.Exceptions);
        var error = Assert.Single(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains("A stateful ParDo needs a keyed input", Message(error), StringComparison.Ordinal);
        Assert.Contains("KvCoder", Message(error), StringComparison.Ordinal);
        Assert.Empty(run.GeneratorDiagnostics); // the compiler's error is the one diagnostic
    }

    /// <summary>testAbsoluteProcessingTimeTimerRejected: Beam fails with "Cannot only set relative timers in processing time domain".</summary>
    [Fact]
    public void AnAbsoluteProcessingTimeTimerIsACompileErrorAtTheCall()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(
                         static (string key, int value, ref Poll state, ProcessContext context, IEmitter<int> output) => state.Next.Set(new Instant(0)),
                         onTimer: static (string key, ref Poll state, TimerContext timer, IEmitter<int> output) => { })
                     .Output("out");
            """);
        var error = Assert.Single(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains("only relative timers are allowed in processing time", Message(error), StringComparison.Ordinal);
        Assert.Equal("state.Next.Set(new Instant(0))", At(run, error));
    }

    [Fact]
    public void ARelativeProcessingTimeTimerCompiles()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(
                         static (string key, int value, ref Poll state, ProcessContext context, IEmitter<int> output) => state.Next.Offset(TimeSpan.FromSeconds(10)).SetRelative(),
                         onTimer: static (string key, ref Poll state, TimerContext timer, IEmitter<int> output) => output.Emit(1))
                     .Output("out");
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("__FireProcessingTimers1(_processingTime);", run.SingleSource, StringComparison.Ordinal);
    }

    /// <summary>A timer set past the window's expiration where the target is written as the window's bound plus a constant.</summary>
    [Theory]
    [InlineData("state.Flush.Set(context.Window.MaxTimestamp.Plus(TimeSpan.FromMilliseconds(1)))", "1")]
    [InlineData("state.Flush.Set(new Instant(context.Window.MaxTimestamp.Millis + 5))", "5")]
    [InlineData("state.Flush.Set(context.Window.End)", "1")]
    public void AnEventTimeTimerSetBeyondItsWindowsExpirationIsReported(string set, string beyond)
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
                     .ParDo(
                         static (string key, int value, ref Counter state, ProcessContext context, IEmitter<int> output) => 
            """ + set + """
            ,
                         onTimer: static (string key, ref Counter state, TimerContext timer, IEmitter<int> output) => { })
                     .Output("out");
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0022", diagnostic.Id);
        Assert.StartsWith("This event-time timer is set " + beyond + " ms after the expiration of its window", Message(diagnostic), StringComparison.Ordinal);
        Assert.StartsWith(set.Substring("state.Flush.Set(".Length), At(run, diagnostic) + ")", StringComparison.Ordinal);
    }

    [Fact]
    public void ATimerWithinTheAllowedLatenessIsNotReported()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).WithAllowedLateness(TimeSpan.FromSeconds(1)))
                     .ParDo(
                         static (string key, int value, ref Counter state, ProcessContext context, IEmitter<int> output) => state.Flush.Set(context.Window.MaxTimestamp.Plus(TimeSpan.FromSeconds(1))),
                         onTimer: static (string key, ref Counter state, TimerContext timer, IEmitter<int> output) => { })
                     .Output("out");
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
    }

    /// <summary>Beam merges bag, set, combining and ordered-list state when windows merge; a value cell or a timer it cannot.</summary>
    [Fact]
    public void StateThatCannotMergeInMergingWindowsIsReportedAtEachField()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .Window(Windows.Sessions(TimeSpan.FromMinutes(1)))
                     .ParDo(
                         static (string key, int value, ref Counter state, ProcessContext context, IEmitter<int> output) => { },
                         onTimer: static (string key, ref Counter state, TimerContext timer, IEmitter<int> output) => { })
                     .Output("out");
            """);
        Assert.Equal(2, run.GeneratorDiagnostics.Count);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("CMP0021", d.Id));
        var fields = run.GeneratorDiagnostics.Select(d => At(run, d)).ToList();
        Assert.Equal(new[] { "Count", "Flush" }, fields);
        Assert.Contains("Count of ParDo (line", Message(run.GeneratorDiagnostics[0]), StringComparison.Ordinal);
        Assert.Contains("(ValueState) cannot merge when the windows of a key merge (windows sessions gap 60 s)", Message(run.GeneratorDiagnostics[0]), StringComparison.Ordinal);
        Assert.Contains("Flush of ParDo (line 30) (event-time timer) cannot merge", Message(run.GeneratorDiagnostics[1]), StringComparison.Ordinal);
    }

    [Fact]
    public void MergeableStateInMergingWindowsIsReportedAsNotSupportedYet()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .Window(Windows.Sessions(TimeSpan.FromMinutes(1)))
                     .ParDo(static (string key, int value, ref Buffer state, ProcessContext context, IEmitter<int> output) => state.Items.Add(value))
                     .Output("out");
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0005", diagnostic.Id);
        Assert.Contains("a stateful ParDo on merging windows is not supported yet", Message(diagnostic), StringComparison.Ordinal);
    }

    [Fact]
    public void StateInWindowsMergedByAnUpstreamGroupingIsAllowed()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .Window(Windows.Sessions(TimeSpan.FromMinutes(1)))
                     .CombinePerKey(Combiners.Sum<int>())
                     .ParDo(static (string key, int value, ref Buffer state, ProcessContext context, IEmitter<int> output) => state.Items.Add(value))
                     .Output("out");
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void TimersWithoutAnOnTimerCallbackAreReportedAtTheTimer()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(static (string key, int value, ref Counter state, ProcessContext context, IEmitter<int> output) => { })
                     .Output("out");
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0023", diagnostic.Id);
        Assert.Contains("declares timers (Flush) but the ParDo has no onTimer callback", Message(diagnostic), StringComparison.Ordinal);
        Assert.Equal("Flush", At(run, diagnostic));
    }

    [Fact]
    public void AReadonlyCellIsReported()
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(static (string key, int value, ref Frozen state, ProcessContext context, IEmitter<int> output) => { })
                     .Output("out");
            """, """
            public struct Frozen
            {
                public readonly BagState<int> Items;
            }

            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0023", diagnostic.Id);
        Assert.Contains("'Items' is a BagState declared as a readonly field", Message(diagnostic), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("private int _count;", "'_count' is private or protected")]
    [InlineData("public int Count { get; private set; }", "'Count' is set by a private or protected setter")]
    public void AMemberTheRunnerCannotReachIsReported(string member, string message)
    {
        var run = Run("""
                    p.Create<KV<string, int>>("in")
                     .ParDo(static (string key, int value, ref Hidden state, ProcessContext context, IEmitter<int> output) => { })
                     .Output("out");
            """, """
            public struct Hidden
            {
            """ + member + """

            }

            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0023", diagnostic.Id);
        Assert.Contains(message, Message(diagnostic), StringComparison.Ordinal);
        Assert.Contains("checkpoints", Message(diagnostic), StringComparison.Ordinal);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Id == "CS0122");
    }

    /// <summary>
    /// Beam's <c>ParDo.of(statefulFn).withSideInputs(view)</c>: a stateless reader pairs each value with its window's side
    /// value (waiting for it as any reader does), and processElement gets both; the timer callback has no side input.
    /// </summary>
    [Fact]
    public void AStatefulParDoThatReadsASideInputCompilesWithoutWarnings()
    {
        var run = Run("""
                    var limit = p.Create<int>("limit").AsSingleton();
                    p.Create<KV<string, int>>("in")
                     .ParDo(limit,
                         static (string key, int value, int max, ref Counter state, ProcessContext context, IEmitter<int> output) =>
                         {
                             state.Count.Write(global::System.Math.Min(max, state.Count.ReadOrDefault(0) + value));
                             state.Flush.Set(context.Window.MaxTimestamp);
                         },
                         onTimer: static (string key, ref Counter state, TimerContext timer, IEmitter<int> output) => output.Emit(state.Count.Read()))
                     .Output("out");
            """);
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        var source = run.SingleSource;
        Assert.Contains("global::Compiled.Execution.SideInputPair.Of<string, int, int>(", source, StringComparison.Ordinal);
        Assert.Contains("global::Compiled.KV<string, global::System.ValueTuple<int, int>>", source, StringComparison.Ordinal);
        Assert.Contains("(v3.Key, v3.Value.Item1, v3.Value.Item2, ref s4,", source, StringComparison.Ordinal);
        Assert.Contains("static ParallelRunner<TOut> CreateParallelRunner<TOut>(", source, StringComparison.Ordinal);
    }

    /// <summary>A timer set beyond the window's expiry in a side-input reader's processElement is reported where it is set, once.</summary>
    [Fact]
    public void ATimerBeyondExpiryInASideInputReaderIsReportedOnce()
    {
        var run = Run("""
                    var limit = p.Create<int>("limit").AsSingleton();
                    p.Create<KV<string, int>>("in")
                     .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
                     .ParDo(limit,
                         static (string key, int value, int max, ref Counter state, ProcessContext context, IEmitter<int> output) =>
                             state.Flush.Set(context.Window.End.Plus(TimeSpan.FromMinutes(5))),
                         onTimer: static (string key, ref Counter state, TimerContext timer, IEmitter<int> output) => { })
                     .Output("out");
            """);
        Assert.Empty(run.Exceptions);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0022", diagnostic.Id);
        Assert.StartsWith("This event-time timer is set 300001 ms after the expiration of its window", Message(diagnostic), StringComparison.Ordinal);
        Assert.Equal("context.Window.End.Plus(TimeSpan.FromMinutes(5))", At(run, diagnostic));
    }

    /// <summary>Merging windows are reported once for the stateful ParDo, not again for its side-input reader.</summary>
    [Fact]
    public void ASideInputReaderOnMergingWindowsIsReportedOnce()
    {
        var run = Run("""
                    var limit = p.Create<int>("limit").AsSingleton();
                    p.Create<KV<string, int>>("in")
                     .Window(Windows.Sessions(TimeSpan.FromMinutes(1)))
                     .ParDo(limit, static (string key, int value, int max, ref Buffer state, ProcessContext context, IEmitter<int> output) => state.Items.Add(value))
                     .Output("out");
            """);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0005", diagnostic.Id);
        Assert.Contains("a stateful ParDo on merging windows is not supported yet", Message(diagnostic), StringComparison.Ordinal);
    }
}
