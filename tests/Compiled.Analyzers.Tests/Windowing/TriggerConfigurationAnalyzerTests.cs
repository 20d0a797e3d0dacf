using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Windowing.TriggerConfigurationAnalyzer>;

namespace Compiled.Analyzers.Tests.Windowing;

/// <summary>CMP1003 (no allowed lateness), CMP1004 (no accumulation mode), CMP1005 (trigger can finish).</summary>
public sealed class TriggerConfigurationAnalyzerTests
{
    [Fact]
    public Task TriggerWithoutLatenessOrMode_IsReportedTwice() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Early
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).{|#0:Triggering|}(Trigger.Repeatedly(Trigger.AfterCount(10))))
                 .Count()
                 .Output("counts");
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.TriggerWithoutAllowedLateness).WithLocation(0).WithArguments("Fixed"),
        Verify.Diagnostic(DiagnosticDescriptors.TriggerWithoutAccumulationMode).WithLocation(0).WithArguments("The trigger 'Repeatedly(AfterCount(10))'"));

    [Fact]
    public Task GlobalWindowTrigger_NeedsOnlyAnAccumulationMode() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class GlobalCounts
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Global().{|CMP1004:Triggering|}(Trigger.Repeatedly(Trigger.AfterCount(10))))
                 .Count()
                 .Output("counts");
        }
        """);

    [Fact]
    public Task LatenessAboveZeroWithoutMode_IsReportedOnTheLateness() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Late
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).{|#0:WithAllowedLateness|}(TimeSpan.FromMinutes(5)))
                 .Count()
                 .Output("counts");
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.TriggerWithoutAccumulationMode).WithLocation(0).WithArguments("An allowed lateness of 00:05:00"));

    [Fact]
    public Task CompleteStrategies_AreNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Complete
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events");
                events.Window(Windows.Fixed(TimeSpan.FromMinutes(1))).Count().Output("a");
                events.Window(Windows.Fixed(TimeSpan.FromMinutes(1)).Triggering(Trigger.Default())).Count().Output("b");
                events.Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                        .Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterProcessingTime(TimeSpan.FromSeconds(10))).WithLateFirings(Trigger.AfterCount(1)))
                        .WithAllowedLateness(TimeSpan.FromMinutes(10))
                        .Accumulating())
                    .Count().Output("c");
                events.Window(Windows.Sessions(TimeSpan.FromMinutes(5))
                        .Triggering(Trigger.AfterWatermark())
                        .WithAllowedLateness(TimeSpan.Zero)
                        .Discarding())
                    .Count().Output("d");
                events.Window(Windows.Global().Triggering(Trigger.Never()).Discarding()).Count().Output("e");
                events.Window(Windows.Global()
                        .Triggering(Trigger.AfterEach(Trigger.AfterCount(1), Trigger.Repeatedly(Trigger.AfterCount(100))))
                        .Discarding())
                    .Count().Output("f");
            }
        }
        """);

    [Fact]
    public Task OnceTriggersAtTopLevel_AreReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Once
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events");
                events.Window(Windows.Global().Triggering({|#0:Trigger.AfterCount(100)|}).Discarding()).Count().Output("a");
                events.Window(Windows.Global().Triggering({|#1:Trigger.Repeatedly(Trigger.AfterCount(1)).OrFinally(Trigger.AfterCount(5))|}).Discarding()).Count().Output("b");
                events.Window(Windows.Global().Triggering({|#2:Trigger.AfterEach(Trigger.AfterCount(1), Trigger.AfterCount(2))|}).Discarding()).Count().Output("c");
                events.Window(Windows.Global().Triggering({|CMP1005:Trigger.AfterFirst(Trigger.AfterCount(1), Trigger.AfterProcessingTime(TimeSpan.FromSeconds(1)))|}).Discarding()).Count().Output("d");
                events.Window(Windows.Global().Triggering({|CMP1005:Trigger.AfterAll(Trigger.AfterCount(1), Trigger.AfterProcessingTime(TimeSpan.FromSeconds(1)))|}).Discarding()).Count().Output("e");
                events.Window(Windows.Global().Triggering({|CMP1005:Trigger.AfterProcessingTime(TimeSpan.FromSeconds(1))|}).Discarding()).Count().Output("f");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.FinishingTrigger).WithLocation(0).WithArguments(
            "AfterCount(100)", " after its first firing", "wrap it in Trigger.Repeatedly(...) so that it keeps firing"),
        Verify.Diagnostic(DiagnosticDescriptors.FinishingTrigger).WithLocation(1).WithArguments(
            "Repeatedly(AfterCount(1)).OrFinally(AfterCount(5))", " as soon as its OrFinally condition fires", "wrap it in Trigger.Repeatedly(...) so that it keeps firing"),
        Verify.Diagnostic(DiagnosticDescriptors.FinishingTrigger).WithLocation(2).WithArguments(
            "AfterEach(AfterCount(1), AfterCount(2))", " when its last sub-trigger finishes", "wrap it in Trigger.Repeatedly(...) so that it keeps firing"));

    [Fact]
    public Task AfterWatermarkWithoutLateFirings_IsReportedOnlyWithLateness() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Watermark
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events");
                events.Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                        .Triggering({|#0:Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(10))|})
                        .WithAllowedLateness(TimeSpan.FromMinutes(5))
                        .Discarding())
                    .Count().Output("late");
                events.Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                        .Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(10)))
                        .WithAllowedLateness(TimeSpan.Zero)
                        .Discarding())
                    .Count().Output("onTime");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.FinishingTrigger).WithLocation(0).WithArguments(
            "AfterWatermark().WithEarlyFirings(AfterCount(10))",
            " when the watermark passes the end of the window, before the allowed lateness of 00:05:00 has passed",
            "add .WithLateFirings(...) (for example Trigger.AfterCount(1)) so that late data fires too"));
}
