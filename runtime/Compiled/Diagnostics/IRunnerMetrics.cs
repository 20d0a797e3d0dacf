using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Compiled.Diagnostics;

/// <summary>
/// Implemented by generated runners: reports the counts they keep in plain fields (elements in per
/// input, elements out per output, keys held per stateful transform) when a metrics listener collects.
/// </summary>
public interface IRunnerMetrics
{
    /// <summary>The pipeline's name (its class name).</summary>
    string PipelineName { get; }

    /// <summary>
    /// The fused plan as a Mermaid flowchart (the pipeline's <c>PlanMermaid</c>), for dashboards; empty when the
    /// runner does not say. Node <c>nK</c> is transform <c>#K</c>, the id in the <c>transform</c> tag of
    /// <c>compiled.pipeline.state_size</c>.
    /// </summary>
    string PlanMermaid => string.Empty;

    /// <summary>Adds the elements pushed into each input so far.</summary>
    void ReportElementsIn(List<Measurement<long>> measurements);

    /// <summary>Adds the elements delivered to each output so far.</summary>
    void ReportElementsOut(List<Measurement<long>> measurements);

    /// <summary>Adds the number of keys (or values) each stateful transform holds now.</summary>
    void ReportStateSize(List<Measurement<long>> measurements);

    /// <summary>Adds the number of late elements dropped so far (their window had already been emitted).</summary>
    void ReportLateDropped(List<Measurement<long>> measurements);

    /// <summary>Adds the number of panes emitted by groupings and combines (one per key, window and firing).</summary>
    /// <param name="measurements">Where to add the measurement.</param>
    void ReportPanesFired(List<Measurement<long>> measurements);

    /// <summary>Adds the watermark lag: processing time minus the watermark, in milliseconds (nothing before the first watermark or after the end).</summary>
    /// <param name="measurements">Where to add the measurement.</param>
    void ReportWatermarkLag(List<Measurement<long>> measurements);

    /// <summary>Elements that reached each transform (tag <c>transform</c>), when the pipeline counts every transform (<c>[Pipeline(CountEveryTransform = true)]</c>).</summary>
    /// <param name="measurements">The list to add to.</param>
    void ReportTransformElementsIn(List<Measurement<long>> measurements)
    {
    }
}
