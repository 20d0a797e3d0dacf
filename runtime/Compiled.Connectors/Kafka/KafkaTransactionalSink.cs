using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Compiled.Checkpoints;
using Compiled.Coders;
using Confluent.Kafka;

namespace Compiled.Connectors.Kafka;

/// <summary>How a <see cref="KafkaTransactionalSink"/> commits.</summary>
public sealed class KafkaTransactionalSinkOptions
{
    /// <summary>How long to wait for each transactional call (init, commit, abort) and for reading the commit marker (30 seconds by default).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a commit that failed with a retriable error is tried again before giving up (3 by default).</summary>
    public int CommitRetries { get; init; } = 3;
}

/// <summary>
/// Writes to Kafka exactly once for read_committed consumers, committed with the checkpoints: the records given between
/// two checkpoints are kept in memory, go into the checkpoint with <see cref="PrepareCommit"/> (in its handle), and are
/// produced when that checkpoint is complete, by <see cref="Commit"/>, in one Kafka transaction together with a marker
/// record (the checkpoint id, keyed by the transactional id, on partition 0 of the marker topic). A checkpoint whose
/// marker is committed is not produced again.
/// </summary>
/// <remarks>
/// <para><b>Why not a transaction left open across the checkpoint.</b> Kafka cannot resume a transaction after the
/// producer that opened it is gone: a new producer with the same <c>transactional.id</c> aborts it when it initializes
/// (Flink's producer resumes it through the producer id and epoch, which librdkafka does not expose). So the records
/// themselves are what the checkpoint keeps, and Kafka sees them only in the transaction that commits them.</para>
/// <para><b>Why nothing is lost or repeated.</b> A crash before a checkpoint is complete: its records are produced again
/// by the replay from the checkpoint before. A crash after the checkpoint is complete, before or during the commit
/// transaction: the restarted producer's <c>InitTransactions</c> fences the old one and aborts its open transaction;
/// <see cref="Recover"/> finds no committed marker for the checkpoint and produces the records of the handle in a new
/// transaction. A crash after the commit transaction: <see cref="Recover"/> finds the marker and produces nothing. The
/// records and the marker commit together, or not at all.</para>
/// <para><b>What has to hold.</b> The transactional id is stable across restarts and unique to the sink (it is also what
/// fences a zombie: a producer of an older incarnation fails on its next transactional call). The marker topic exists, and
/// its partition 0 is written by this sink alone (a read_committed reader cannot read past another producer's open
/// transaction there: <see cref="Recover"/> waits for it to end, up to
/// <see cref="KafkaTransactionalSinkOptions.OperationTimeout"/>, then fails); its retention keeps at least the newest marker.
/// Consumers of the output read with <c>isolation.level=read_committed</c>: a read_uncommitted consumer sees the records
/// of aborted transactions too, so for it the sink is at-least-once.</para>
/// <para><b>Where it is at-least-once.</b> A restart from a checkpoint older than the last one committed (the newest
/// checkpoint was lost or damaged, and the store fell back to an older one) produces again what was committed after it;
/// <see cref="LastCommittedCheckpoint"/> then exceeds the checkpoint restored. A commit whose outcome is not known (the
/// commit call failed with a fatal error after the broker may have committed) fails the sink; the job must restart,
/// and <see cref="Recover"/> decides by the marker.</para>
/// <para>A checkpoint that never completes leaves its records pending: they are committed with the next complete one
/// (in the same transaction, before its own records), and the handle of each checkpoint carries every transaction still
/// pending. Output is visible a checkpoint interval late, and the records are held in memory and in the checkpoint: a
/// large volume between checkpoints makes large checkpoints. Records keep the order they were given in, per partition.</para>
/// <para><see cref="Produce"/>, <see cref="PrepareCommit"/> and <see cref="Recover"/> are called on the runner's thread;
/// <see cref="Commit"/> may be called on another one, in checkpoint order.</para>
/// </remarks>
public sealed class KafkaTransactionalSink : ITransactionalSink, IDisposable
{
    private const byte HandleVersion = 1;
    private const byte MarkerVersion = 1;

    private readonly ProducerConfig _producerConfig;
    private readonly ConsumerConfig _markerConfig;
    private readonly ConsumerConfig _markerEndConfig;
    private readonly KafkaTransactionalSinkOptions _options;
    private readonly byte[] _markerKey;
    private readonly object _gate = new();
    private readonly SortedDictionary<long, List<PendingRecord>> _pending = new();
    private List<PendingRecord> _open = new();
    private IProducer<byte[], byte[]>? _producer;
    private long _lastCommitted = -1;

    /// <summary>A sink that produces through a transactional producer configured by <paramref name="config"/>.</summary>
    /// <param name="config">The producer's configuration (bootstrap servers, security...); <c>transactional.id</c> is set to
    /// <paramref name="transactionalId"/> and idempotence is on. Not modified.</param>
    /// <param name="transactionalId">The sink's transactional id: stable across restarts, used by no other producer.</param>
    /// <param name="markerTopic">An existing topic whose partition 0 receives the sink's commit markers, written by this sink alone.</param>
    /// <param name="options">How to commit; the defaults when null.</param>
    public KafkaTransactionalSink(ProducerConfig config, string transactionalId, string markerTopic, KafkaTransactionalSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(transactionalId);
        ArgumentException.ThrowIfNullOrEmpty(markerTopic);
        _options = options ?? new KafkaTransactionalSinkOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.CommitRetries, nameof(options));
        TransactionalId = transactionalId;
        MarkerTopic = markerTopic;
        _markerKey = Encoding.UTF8.GetBytes(transactionalId);
        _producerConfig = new ProducerConfig(new Dictionary<string, string>(config))
        {
            TransactionalId = transactionalId,
            EnableIdempotence = true,
        };

        // The marker reader connects as the producer does; settings only a producer knows are left out.
        var shared = new Dictionary<string, string>(config);
        foreach (var producerOnly in new[] { "transactional.id", "enable.idempotence", "acks", "linger.ms", "queue.buffering.max.ms", "batch.size", "batch.num.messages", "compression.type", "compression.codec", "transaction.timeout.ms", "message.timeout.ms", "delivery.timeout.ms", "partitioner", "retries", "message.send.max.retries", "max.in.flight", "max.in.flight.requests.per.connection" })
        {
            shared.Remove(producerOnly);
        }

        _markerConfig = new ConsumerConfig(shared)
        {
            GroupId = "compiled-kafka-sink-marker",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnablePartitionEof = true,
        };
        _markerEndConfig = new ConsumerConfig(shared)
        {
            GroupId = "compiled-kafka-sink-marker",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            IsolationLevel = IsolationLevel.ReadUncommitted,
        };
    }

    /// <summary>The sink's transactional id, also the key of its commit markers.</summary>
    public string TransactionalId { get; }

    /// <summary>The topic whose partition 0 holds the sink's commit markers.</summary>
    public string MarkerTopic { get; }

    /// <summary>
    /// The last checkpoint whose records this sink knows committed: read from the marker topic by <see cref="Recover"/>,
    /// then moved by <see cref="Commit"/>; -1 when none is known.
    /// </summary>
    public long LastCommittedCheckpoint => System.Threading.Interlocked.Read(ref _lastCommitted);

    /// <summary>The records given since the last <see cref="PrepareCommit"/>.</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>The checkpoints prepared and not yet committed.</summary>
    public int PendingTransactions
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Adds a record to the open transaction; it is produced when the next checkpoint is complete.</summary>
    /// <param name="topic">The topic to produce to.</param>
    /// <param name="key">The key, or null; kept as given (do not modify the array afterwards).</param>
    /// <param name="value">The value, or null; kept as given (do not modify the array afterwards).</param>
    /// <param name="partition">The partition, or null to let the producer's partitioner choose (by the key's hash when there is a key).</param>
    public void Produce(string topic, byte[]? key, byte[]? value, int? partition = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (partition is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), "A partition is not negative.");
        }

        lock (_gate)
        {
            _open.Add(new PendingRecord(topic, partition ?? -1, key, value));
        }
    }

    /// <summary>
    /// Closes the open transaction as the one of <paramref name="checkpointId"/> and writes every transaction still
    /// pending (its checkpoint id and records) to <paramref name="handle"/>, which the checkpoint keeps.
    /// </summary>
    /// <param name="checkpointId">The checkpoint (not negative, after the last one prepared).</param>
    /// <param name="handle">Where the pending transactions go.</param>
    public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpointId);
        lock (_gate)
        {
            if (_pending.Count > 0 && checkpointId <= LastKey(_pending))
            {
                throw new ArgumentOutOfRangeException(nameof(checkpointId), "Checkpoint " + checkpointId.ToString(CultureInfo.InvariantCulture) + " is not after the last one prepared (" + LastKey(_pending).ToString(CultureInfo.InvariantCulture) + ").");
            }

            _pending.Add(checkpointId, _open);
            _open = new List<PendingRecord>();
            var writer = new CoderWriter(handle);
            writer.WriteByte(HandleVersion);
            writer.WriteString(TransactionalId);
            writer.WriteInt32(_pending.Count);
            foreach (var (id, records) in _pending)
            {
                writer.WriteInt64(id);
                writer.WriteInt32(records.Count);
                foreach (var record in records)
                {
                    writer.WriteString(record.Topic);
                    writer.WriteInt32(record.Partition);
                    WriteNullable(ref writer, record.Key);
                    WriteNullable(ref writer, record.Value);
                }
            }

            writer.Flush();
        }
    }

    /// <summary>
    /// Produces the records of every pending transaction up to <paramref name="checkpointId"/>, and the marker of
    /// <paramref name="checkpointId"/>, in one Kafka transaction, and commits it. When this object does not hold them (it
    /// was not the one that prepared them), they are read from <paramref name="handle"/>, and produced only when the
    /// marker topic has no committed marker of this checkpoint or a later one.
    /// </summary>
    /// <param name="checkpointId">The completed checkpoint.</param>
    /// <param name="handle">What <see cref="PrepareCommit"/> wrote for it.</param>
    /// <exception cref="CheckpointMismatchException">The handle was written by another sink, or in another format.</exception>
    /// <exception cref="KafkaException">The transaction could not be committed; the records stay pending (a fatal error leaves the sink unusable: restart the job).</exception>
    public void Commit(long checkpointId, ReadOnlySpan<byte> handle)
    {
        List<KeyValuePair<long, List<PendingRecord>>> due;
        lock (_gate)
        {
            due = new List<KeyValuePair<long, List<PendingRecord>>>();
            foreach (var transaction in _pending)
            {
                if (transaction.Key <= checkpointId)
                {
                    due.Add(transaction);
                }
            }
        }

        if (due.Count == 0)
        {
            if (handle.IsEmpty || checkpointId <= LastCommittedCheckpoint)
            {
                return;
            }

            due = ReadHandle(handle, checkpointId);
            EnsureProducer();
            var marker = ReadMarker();
            if (marker >= checkpointId)
            {
                SetLastCommitted(marker);
                return;
            }

            due.RemoveAll(transaction => transaction.Key <= marker);
        }

        CommitTransaction(checkpointId, due);
        lock (_gate)
        {
            foreach (var (id, _) in due)
            {
                _pending.Remove(id);
            }
        }
    }

    /// <summary>
    /// On restart from <paramref name="checkpointId"/>: drops the records this object holds (the job produces them again),
    /// initializes the transactional producer (which fences an older producer of the same transactional id and aborts its
    /// open transaction), reads the last committed marker, and commits the transactions of <paramref name="handle"/> that
    /// it does not cover.
    /// </summary>
    /// <param name="checkpointId">The checkpoint restored, or -1 when the job starts without one.</param>
    /// <param name="handle">What <see cref="PrepareCommit"/> wrote for it, or empty.</param>
    /// <exception cref="CheckpointMismatchException">The handle was written by another sink, or in another format.</exception>
    public void Recover(long checkpointId, ReadOnlySpan<byte> handle)
    {
        lock (_gate)
        {
            _open = new List<PendingRecord>();
            _pending.Clear();
        }

        var due = handle.IsEmpty ? new List<KeyValuePair<long, List<PendingRecord>>>() : ReadHandle(handle, checkpointId);
        EnsureProducer();
        var marker = ReadMarker();
        SetLastCommitted(marker);
        if (checkpointId < 0 || marker >= checkpointId)
        {
            return;
        }

        due.RemoveAll(transaction => transaction.Key <= marker);
        if (due.Count > 0)
        {
            CommitTransaction(checkpointId, due);
        }
    }

    /// <summary>Closes the producer; an open Kafka transaction (there is one only inside <see cref="Commit"/>) is aborted by the broker after its timeout, or by the next producer of the transactional id.</summary>
    public void Dispose()
    {
        IProducer<byte[], byte[]>? producer;
        lock (_gate)
        {
            producer = _producer;
            _producer = null;
        }

        producer?.Dispose();
    }

    /// <summary>Called inside the commit transaction, after its records and marker are sent and before it commits; a test stands for a crash there.</summary>
    internal Action? BeforeCommitTransaction { get; set; }

    private static long LastKey(SortedDictionary<long, List<PendingRecord>> pending)
    {
        var last = -1L;
        foreach (var key in pending.Keys)
        {
            last = key;
        }

        return last;
    }

    private static void WriteNullable(ref CoderWriter writer, byte[]? bytes)
    {
        writer.WritePresence(bytes is not null);
        if (bytes is not null)
        {
            writer.WriteBytes(bytes);
        }
    }

    private static byte[]? ReadNullable(ref CoderReader reader) => reader.ReadPresence() ? reader.ReadBytes().ToArray() : null;

    private void SetLastCommitted(long id)
    {
        long seen;
        do
        {
            seen = LastCommittedCheckpoint;
            if (id <= seen)
            {
                return;
            }
        }
        while (System.Threading.Interlocked.CompareExchange(ref _lastCommitted, id, seen) != seen);
    }

    private IProducer<byte[], byte[]> EnsureProducer()
    {
        lock (_gate)
        {
            if (_producer is null)
            {
                var producer = new ProducerBuilder<byte[], byte[]>(_producerConfig).Build();
                try
                {
                    producer.InitTransactions(_options.OperationTimeout);
                }
                catch
                {
                    producer.Dispose();
                    throw;
                }

                _producer = producer;
            }

            return _producer;
        }
    }

    private void CommitTransaction(long checkpointId, List<KeyValuePair<long, List<PendingRecord>>> due)
    {
        var producer = EnsureProducer();
        producer.BeginTransaction();
        try
        {
            foreach (var (_, records) in due)
            {
                foreach (var record in records)
                {
                    var message = new Message<byte[], byte[]> { Key = record.Key!, Value = record.Value! };
                    var destination = record.Partition >= 0
                        ? new TopicPartition(record.Topic, new Partition(record.Partition))
                        : new TopicPartition(record.Topic, Partition.Any);
                    ProduceWaitingForRoom(producer, destination, message);
                }
            }

            var marker = new byte[1 + sizeof(long)];
            marker[0] = MarkerVersion;
            BinaryPrimitives.WriteInt64BigEndian(marker.AsSpan(1), checkpointId);
            ProduceWaitingForRoom(producer, new TopicPartition(MarkerTopic, new Partition(0)), new Message<byte[], byte[]> { Key = _markerKey, Value = marker });
            if (producer.Flush(_options.OperationTimeout) > 0)
            {
                throw new TimeoutException("The records of the sink '" + TransactionalId + "' were not all sent within " + _options.OperationTimeout.ToString("c", CultureInfo.InvariantCulture) + "; the transaction is aborted.");
            }
        }
        catch (Exception error) when (error is not KafkaException { Error.IsFatal: true })
        {
            // Nothing of this transaction is committed: abort it, so that the next commit starts a new one.
            producer.AbortTransaction(_options.OperationTimeout);
            throw;
        }

        BeforeCommitTransaction?.Invoke();
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    producer.CommitTransaction(_options.OperationTimeout);
                    break;
                }
                catch (KafkaRetriableException) when (attempt < _options.CommitRetries)
                {
                    // Calling CommitTransaction again is what librdkafka asks after a retriable error.
                }
            }
        }
        catch (KafkaTxnRequiresAbortException)
        {
            producer.AbortTransaction(_options.OperationTimeout);
            throw;
        }

        SetLastCommitted(checkpointId);
    }

    private void ProduceWaitingForRoom(IProducer<byte[], byte[]> producer, TopicPartition destination, Message<byte[], byte[]> message)
    {
        var deadline = DateTime.UtcNow + _options.OperationTimeout;
        while (true)
        {
            try
            {
                producer.Produce(destination, message);
                return;
            }
            catch (ProduceException<byte[], byte[]> full) when (full.Error.Code == ErrorCode.Local_QueueFull && DateTime.UtcNow < deadline)
            {
                producer.Poll(TimeSpan.FromMilliseconds(100)); // the client's queue is full: let it send
            }
        }
    }

    /// <summary>The checkpoint id of the last committed marker of this sink, or -1 when there is none.</summary>
    private long ReadMarker()
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_markerConfig).Build();
        var partition = new TopicPartition(MarkerTopic, new Partition(0));

        // A read_committed reader stops at the last stable offset: behind another producer's open transaction, a marker
        // committed after it would not be seen. Wait until no transaction is open there (ours were ended by InitTransactions).
        var stableBy = DateTime.UtcNow + _options.OperationTimeout;
        WatermarkOffsets watermarks;
        using (var uncommitted = new ConsumerBuilder<byte[], byte[]>(_markerEndConfig).Build())
        {
            while (true)
            {
                watermarks = consumer.QueryWatermarkOffsets(partition, _options.OperationTimeout);
                var high = uncommitted.QueryWatermarkOffsets(partition, _options.OperationTimeout).High.Value;
                if (watermarks.High.Value >= high)
                {
                    break;
                }

                if (DateTime.UtcNow > stableBy)
                {
                    throw new TimeoutException("A transaction stays open in " + MarkerTopic + "[0] (stable up to " + watermarks.High.Value.ToString(CultureInfo.InvariantCulture) + " of " + high.ToString(CultureInfo.InvariantCulture) + "): the commit markers of the sink '" + TransactionalId + "' cannot be read. The marker partition must be written by this sink alone.");
                }

                System.Threading.Thread.Sleep(100);
            }
        }

        var low = watermarks.Low.Value;
        var end = watermarks.High.Value;
        var window = 64L;
        while (end > low)
        {
            var start = Math.Max(low, end - window);
            var found = -1L;
            consumer.Assign(new TopicPartitionOffset(partition, new Offset(start)));
            var deadline = DateTime.UtcNow + _options.OperationTimeout;
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException("The commit markers of the sink '" + TransactionalId + "' in " + MarkerTopic + "[0] could not be read within " + _options.OperationTimeout.ToString("c", CultureInfo.InvariantCulture) + " (is another producer's transaction open there?).");
                }

                var result = consumer.Consume(left);
                if (result is null || result.IsPartitionEOF || result.Offset.Value >= end)
                {
                    break;
                }

                var message = result.Message;
                if (message.Key is { } key && key.AsSpan().SequenceEqual(_markerKey) && message.Value is { Length: 1 + sizeof(long) } value && value[0] == MarkerVersion)
                {
                    found = Math.Max(found, BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(1)));
                }
            }

            if (found >= 0)
            {
                return found;
            }

            end = start;
            window *= 4;
        }

        return -1;
    }

    private List<KeyValuePair<long, List<PendingRecord>>> ReadHandle(ReadOnlySpan<byte> handle, long checkpointId)
    {
        var reader = new CoderReader(handle);
        var version = reader.ReadByte();
        if (version != HandleVersion)
        {
            throw new CheckpointMismatchException("The Kafka sink's handle has format " + version + ", not " + HandleVersion + ".");
        }

        var transactionalId = reader.ReadString();
        if (!string.Equals(transactionalId, TransactionalId, StringComparison.Ordinal))
        {
            throw new CheckpointMismatchException("The handle was written by the Kafka sink '" + transactionalId + "', not '" + TransactionalId + "'.");
        }

        var count = reader.ReadInt32();
        var transactions = new List<KeyValuePair<long, List<PendingRecord>>>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadInt64();
            var length = reader.ReadInt32();
            var records = new List<PendingRecord>(Math.Max(length, 0));
            for (var j = 0; j < length; j++)
            {
                var topic = reader.ReadString() ?? throw new CheckpointMismatchException("The Kafka sink's handle holds a record without a topic.");
                var partition = reader.ReadInt32();
                var key = ReadNullable(ref reader);
                var value = ReadNullable(ref reader);
                records.Add(new PendingRecord(topic, partition, key, value));
            }

            if (id <= checkpointId)
            {
                transactions.Add(new KeyValuePair<long, List<PendingRecord>>(id, records));
            }
        }

        return transactions;
    }

    private readonly record struct PendingRecord(string Topic, int Partition, byte[]? Key, byte[]? Value);
}
