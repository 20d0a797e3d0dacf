using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Planner
    {
        /// <summary>
        /// Where a pipeline's generated coders are declared and in which order (by name, so that the output does not depend
        /// on the order transforms were judged in). The coders' class is private to the pipeline class when a coded type is
        /// visible only inside a class (its coder's methods could not be more visible than the type).
        /// </summary>
        public static CoderPlan PlanCoders(PipelineSpec spec) => new()
        {
            Namespace = spec.Namespace,
            ClassName = spec.ClassName,
            TypeKeyword = spec.TypeKeyword,
            ContainingTypes = spec.ContainingTypes,
            Accessibility = spec.Coders.Any(c => c.IsPrivate) ? "private" : "internal",
            Coders = spec.Coders.OrderBy(c => c.CoderName, System.StringComparer.Ordinal).ToEquatableArray(),
        };
    }
}
