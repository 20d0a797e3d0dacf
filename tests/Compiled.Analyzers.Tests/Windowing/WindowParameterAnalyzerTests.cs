using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Windowing.WindowParameterAnalyzer>;

namespace Compiled.Analyzers.Tests.Windowing;

/// <summary>CMP1001 (parameter out of range) and CMP1002 (sliding period larger than size).</summary>
public sealed class WindowParameterAnalyzerTests
{
    [Fact]
    public Task ZeroAndNegativeSizes_AreReportedWithMessage() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Sizes
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events");
                events.Window(Windows.Fixed({|#0:TimeSpan.Zero|})).Count().Output("a");
                events.Window(Windows.Sessions({|#1:TimeSpan.FromSeconds(-30)|})).Count().Output("b");
                events.Window(Windows.Sliding({|#2:new TimeSpan(0, 0, 0)|}, TimeSpan.FromSeconds(1))).Count().Output("c");
                events.Window(Windows.Sliding(TimeSpan.FromMinutes(1), {|#3:-TimeSpan.FromSeconds(10)|})).Count().Output("d");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(0).WithArguments("window size", "Windows.Fixed", "00:00:00", "greater than zero"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(1).WithArguments("gap", "Windows.Sessions", "-00:00:30", "greater than zero"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(2).WithArguments("window size", "Windows.Sliding", "00:00:00", "greater than zero"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(3).WithArguments("period", "Windows.Sliding", "-00:00:10", "greater than zero"));

    [Fact]
    public Task OffsetsOutsideTheirRange_AreReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Offsets
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events");
                events.Window(Windows.Fixed(TimeSpan.FromMinutes(1), {|#0:TimeSpan.FromMinutes(1)|})).Count().Output("a");
                events.Window(Windows.Fixed(TimeSpan.FromMinutes(1), {|#1:TimeSpan.FromSeconds(-1)|})).Count().Output("b");
                events.Window(Windows.Sliding(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), {|#2:TimeSpan.FromSeconds(15)|})).Count().Output("c");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(0).WithArguments("offset", "Windows.Fixed", "00:01:00", "at least zero and smaller than the size"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(1).WithArguments("offset", "Windows.Fixed", "-00:00:01", "at least zero and smaller than the size"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(2).WithArguments("offset", "Windows.Sliding", "00:00:15", "at least zero and smaller than the period"));

    [Fact]
    public Task NegativeLatenessAndCountAndAlignedPeriod_AreReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Triggers
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                     .Triggering(Trigger.AfterFirst(Trigger.AfterCount({|#0:0|}), Trigger.AfterProcessingTimeAligned({|#1:TimeSpan.Zero|}, TimeSpan.Zero)))
                     .WithAllowedLateness({|#2:TimeSpan.FromMilliseconds(-1)|})
                     .Discarding())
                 .Count()
                 .Output("counts");
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(0).WithArguments("count", "Trigger.AfterCount", "0", "at least 1"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(1).WithArguments("period", "Trigger.AfterProcessingTimeAligned", "00:00:00", "greater than zero"),
        Verify.Diagnostic(DiagnosticDescriptors.InvalidWindowParameter).WithLocation(2).WithArguments("allowed lateness", "WithAllowedLateness", "-00:00:00.0010000", "zero or more"));

    [Fact]
    public Task SlidingPeriodLargerThanSize_IsAWarning() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Sampled
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Sliding(TimeSpan.FromSeconds(10), {|#0:TimeSpan.FromMinutes(1)|}))
                 .Count()
                 .Output("counts");
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.SlidingPeriodLargerThanSize).WithLocation(0).WithArguments("00:01:00", "00:00:10"));

    [Fact]
    public Task ValidAndNonConstantParameters_AreNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Valid
        {
            static readonly TimeSpan Configured = TimeSpan.FromSeconds(5);

            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events");
                events.Window(Windows.Fixed(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(29))).Count().Output("a");
                events.Window(Windows.Sliding(new TimeSpan(0, 1, 0), TimeSpan.FromSeconds(60), TimeSpan.Zero)).Count().Output("b");
                events.Window(Windows.Sessions(TimeSpan.FromMinutes(10))).Count().Output("c");
                events.Window(Windows.Fixed(Configured)).Count().Output("d");
                events.Window(Windows.Global()
                        .Triggering(Trigger.Repeatedly(Trigger.AfterFirst(Trigger.AfterCount(1), Trigger.AfterProcessingTimeAligned(TimeSpan.FromSeconds(1), TimeSpan.Zero))))
                        .WithAllowedLateness(TimeSpan.Zero)
                        .Discarding())
                    .Count()
                    .Output("e");
            }
        }
        """);
}
