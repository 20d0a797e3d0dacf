using System.Linq;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Planner
    {
        // ----- the plan of a stateful ParDo -----

        /// <summary>Why a stateful ParDo ends a stage, and how its state is laid out, for the plan.</summary>
        private static string WhyStateful(TransformSpec t, StatefulSpec stateful)
        {
            var cells = stateful.Cells.Where(c => !c.Kind.IsTimer()).Select(c => c.Name + " (" + c.Kind.Describe() + ")").ToList();
            var timers = stateful.Cells.Where(c => c.Kind.IsTimer()).Select(c => c.Name + " (" + c.Kind.Describe() + ")").ToList();
            return "state per key and " + (t.OutputWindowing?.Describe() ?? "global") + " window: a " + stateful.StateType.Replace("global::", string.Empty) +
                   " struct inline in pooled slots" + (cells.Count > 0 ? ", cells " + string.Join(", ", cells) : string.Empty) +
                   (timers.Count > 0 ? ", timers " + string.Join(", ", timers) : string.Empty) +
                   "; processElement's outputs continue in the stage, timers fire in timestamp order as the watermark and processing time advance" +
                   ", holding the watermark at their output timestamps; a window's state is dropped when the watermark passes its end plus the allowed lateness" +
                   (stateful.OnWindowExpiration is null ? string.Empty : ", after onWindowExpiration") +
                   (stateful.SortsInput
                       ? "; requiresTimeSortedInput: elements wait in a heap by timestamp until the watermark passes their timestamp plus the allowed lateness (holding the watermark), then run in that order; later ones are dropped as late"
                       : string.Empty);
        }
    }
}
