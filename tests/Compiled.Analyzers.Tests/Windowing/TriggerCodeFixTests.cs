using System.Threading.Tasks;
using Compiled.Analyzers.Windowing;
using Compiled.CodeFixes.Windowing;
using Xunit;
using AppendFix = Compiled.Analyzers.Tests.Infrastructure.CodeFixVerifier<
    Compiled.Analyzers.Windowing.TriggerConfigurationAnalyzer,
    Compiled.CodeFixes.Windowing.AppendStrategyCallCodeFixProvider>;
using WrapFix = Compiled.Analyzers.Tests.Infrastructure.CodeFixVerifier<
    Compiled.Analyzers.Windowing.TriggerConfigurationAnalyzer,
    Compiled.CodeFixes.Windowing.WrapTriggerCodeFixProvider>;

namespace Compiled.Analyzers.Tests.Windowing;

/// <summary>The fixes for CMP1003/CMP1004 (append a strategy call) and CMP1005 (wrap or extend the trigger).</summary>
public sealed class TriggerCodeFixTests
{
    [Fact]
    public Task MissingLateness_GetsZeroLateness() => AppendFix.VerifyAsync(
        """
        [Pipeline]
        public partial class Early
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).{|CMP1003:Triggering|}(Trigger.Repeatedly(Trigger.AfterCount(10))).Discarding())
                 .Count()
                 .Output("counts");
        }
        """,
        """
        [Pipeline]
        public partial class Early
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).Triggering(Trigger.Repeatedly(Trigger.AfterCount(10))).WithAllowedLateness(TimeSpan.Zero).Discarding())
                 .Count()
                 .Output("counts");
        }
        """);

    [Fact]
    public Task MissingModeOnATrigger_GetsDiscardingAtTheEndOfTheChain() => AppendFix.VerifyAsync(
        """
        [Pipeline]
        public partial class Early
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Global().{|CMP1004:Triggering|}(Trigger.Repeatedly(Trigger.AfterCount(10))).WithTimestampCombiner(TimestampCombiner.Earliest))
                 .Count()
                 .Output("counts");
        }
        """,
        """
        [Pipeline]
        public partial class Early
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(10))).WithTimestampCombiner(TimestampCombiner.Earliest).Discarding())
                 .Count()
                 .Output("counts");
        }
        """);

    [Fact]
    public Task MissingMode_GetsDiscarding() => AppendFix.VerifyAsync(
        """
        [Pipeline]
        public partial class Late
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).{|CMP1004:WithAllowedLateness|}(TimeSpan.FromMinutes(5)))
                 .Count()
                 .Output("counts");
        }
        """,
        """
        [Pipeline]
        public partial class Late
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).WithAllowedLateness(TimeSpan.FromMinutes(5)).Discarding())
                 .Count()
                 .Output("counts");
        }
        """);

    [Fact]
    public Task OnceTrigger_IsWrappedInRepeatedly() => WrapFix.VerifyAsync(
        """
        [Pipeline]
        public partial class Once
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Global().Triggering({|CMP1005:Trigger.AfterCount(100)|}).Discarding())
                 .Count()
                 .Output("counts");
        }
        """,
        """
        [Pipeline]
        public partial class Once
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(100))).Discarding())
                 .Count()
                 .Output("counts");
        }
        """);

    [Fact]
    public Task AfterWatermarkWithLateness_GetsLateFirings() => WrapFix.VerifyAsync(
        """
        [Pipeline]
        public partial class Watermark
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                     .Triggering({|CMP1005:Trigger.AfterWatermark()|})
                     .WithAllowedLateness(TimeSpan.FromMinutes(5))
                     .Discarding())
                 .Count()
                 .Output("counts");
        }
        """,
        """
        [Pipeline]
        public partial class Watermark
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                     .Triggering(Trigger.AfterWatermark().WithLateFirings(Trigger.AfterCount(1)))
                     .WithAllowedLateness(TimeSpan.FromMinutes(5))
                     .Discarding())
                 .Count()
                 .Output("counts");
        }
        """);

    [Fact]
    public void Titles_AreStable()
    {
        Assert.Equal("Add '.Discarding()'", AppendStrategyCallCodeFixProvider.AddDiscardingTitle);
        Assert.Equal("Add '.WithAllowedLateness(TimeSpan.Zero)'", AppendStrategyCallCodeFixProvider.AddAllowedLatenessTitle);
        Assert.Equal("Wrap in 'Trigger.Repeatedly(...)'", WrapTriggerCodeFixProvider.RepeatedlyTitle);
        Assert.Equal(TriggerConfigurationAnalyzer.FixRepeatedly, "Repeatedly");
    }
}
