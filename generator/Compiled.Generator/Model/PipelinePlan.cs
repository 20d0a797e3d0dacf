using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>
/// The planner's output: the transforms after plan rewrites (e.g. GroupByKey + CombineValues lifted
/// into a combine per key), the edges between them, and a readable description of the fused stages.
/// Pure values, equatable, like the spec.
/// </summary>
internal sealed record PipelinePlan
{
    public required PipelineSpec Spec { get; init; }

    /// <summary>Transforms after rewriting; same ids as in the spec.</summary>
    public required EquatableArray<TransformSpec> Transforms { get; init; }

    /// <summary>Every edge of the graph (side-input edges excluded).</summary>
    public required EquatableArray<Edge> Edges { get; init; }

    /// <summary>Ids of the transforms that keep state and emit when input ends, in flush order.</summary>
    public required EquatableArray<int> FlushOrder { get; init; }

    /// <summary>The physical plan of each transform (index = transform id); <see cref="StateLayout.None"/> for element-wise ones.</summary>
    public required EquatableArray<StatePlan> States { get; init; }

    /// <summary>The inputs whose span loops run in vector lanes, and how (one per such input).</summary>
    public EquatableArray<LanePlan> Lanes { get; init; } = EquatableArray<LanePlan>.Empty;

    /// <summary>
    /// The inputs (transform ids) whose single pushes run the element without a catch: nothing in their stage can throw
    /// (the planner's <c>UncaughtPushes</c>).
    /// </summary>
    public EquatableArray<int> UncaughtPushes { get; init; } = EquatableArray<int>.Empty;

    /// <summary>
    /// Of <see cref="UncaughtPushes"/>, the inputs whose single push has nothing to do after its element (no output in the
    /// stage, no trigger evaluated per bundle, no watermark of its own, no clock): on an idle runner of one thread, such a
    /// push is the stage and its count, with no failure to report and no pane to reset.
    /// </summary>
    public EquatableArray<int> QuietPushEnds { get; init; } = EquatableArray<int>.Empty;

    /// <summary>
    /// Of <see cref="UncaughtPushes"/>, the inputs whose stage checks an exchange per element on a parallel runner: their
    /// plain push runs a copy of the stage without those checks. The others' plain push runs the stage itself.
    /// </summary>
    public EquatableArray<int> PlainStages { get; init; } = EquatableArray<int>.Empty;

    /// <summary>
    /// Of <see cref="UncaughtPushes"/>, the inputs whose stage sends its elements through an exchange on a partition of the
    /// streaming parallel runner: a partition's push of them keeps the catch (a send blocks, and throws when the run is
    /// cancelled). A partition's push of the other uncaught inputs runs the stage with no catch, as a single runner's does.
    /// </summary>
    public EquatableArray<int> SendingStages { get; init; } = EquatableArray<int>.Empty;

    /// <summary>Sliding Window transforms whose elements are assigned to one pane each (their combines assemble windows).</summary>
    public required EquatableArray<int> PaneSharingWindows { get; init; }

    /// <summary>Whether the parallel batch runner (Run with a parallelism) is generated for this pipeline.</summary>
    public required bool ParallelBatch { get; init; }

    /// <summary>Why the parallel batch runner is not generated, when it is not.</summary>
    public string? ParallelWhyNot { get; init; }

    /// <summary>Whether the streaming parallel runner (CreateParallelRunner) is generated for this pipeline.</summary>
    public bool ParallelStreaming { get; init; }

    /// <summary>Why the streaming parallel runner is not generated, when it is not.</summary>
    public string? ParallelStreamingWhyNot { get; init; }

    /// <summary>Whether the streaming runner can write and restore checkpoints (implements ICheckpointable).</summary>
    public bool Checkpoints { get; init; }

    /// <summary>Why the streaming runner cannot checkpoint, when it cannot.</summary>
    public string? CheckpointsWhyNot { get; init; }

    /// <summary>
    /// A hash of everything that shapes a checkpoint of this pipeline (the plan and the state coders): a checkpoint with
    /// another one is refused on restore. The coders' own format versions are mixed in when the runner runs.
    /// </summary>
    public uint CheckpointShape { get; init; }

    /// <summary>The number of exchange levels of the streaming parallel runner (0: element-wise only).</summary>
    public int Levels { get; init; }

    /// <summary>
    /// The levels of the streaming parallel runner whose shards are told where each sender's bundle (push) ends: those at
    /// or below a transform whose triggers are evaluated at the end of a bundle (keyed window panes, window buckets). The
    /// senders send no bundle-end markers to the other levels, where they would cost a marker and a call per push.
    /// </summary>
    public EquatableArray<int> BundleEndLevels { get; init; } = EquatableArray<int>.Empty;

    /// <summary>
    /// The levels of the streaming parallel runner whose items carry no window: the window of every element sent there
    /// follows from its timestamp (<see cref="StatePlan.WindowsFrom"/>), and the shard assigns it again. An item is then
    /// half the size or less, and the channels move that much less between cores.
    /// </summary>
    public EquatableArray<int> WindowlessLevels { get; init; } = EquatableArray<int>.Empty;

    /// <summary>The fused plan as text, one line per entry.</summary>
    public required EquatableArray<string> Description { get; init; }

    /// <summary>The plan as a Mermaid flowchart, one line per entry.</summary>
    public required EquatableArray<string> Mermaid { get; init; }
}

internal static class PipelinePlanExtensions
{
    /// <summary>The state layout of a transform.</summary>
    public static StateLayout LayoutOf(this PipelinePlan plan, int transform) => plan.States[transform].Layout;
}

/// <summary>Output port <see cref="FromPort"/> of <see cref="From"/> feeds input <see cref="ToInput"/> of <see cref="To"/>.</summary>
internal readonly record struct Edge(int From, int FromPort, int To, int ToInput);
