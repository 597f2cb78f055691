namespace EnsembleFarm.Store;

public sealed partial class SqliteFarmStore
{
    public Task RegisterSiloAsync(SiloRecord silo, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        StoreValidation.RequireText(silo.Id, "SiloRecord.Id");
        StoreValidation.RequireText(silo.Host, "SiloRecord.Host");
        ArgumentNullException.ThrowIfNull(silo.Slots);
        return AsTask(() => Write((connection, transaction, _) => Execute(connection, transaction, """
            INSERT INTO silos (id, host, process_id, slots_json, state, started_at, last_heartbeat)
            VALUES (@id, @host, @pid, @slots, @state, @started, @heartbeat)
            ON CONFLICT (id) DO UPDATE SET host = excluded.host, process_id = excluded.process_id, slots_json = excluded.slots_json,
                state = excluded.state, started_at = excluded.started_at, last_heartbeat = excluded.last_heartbeat;
            """,
            ("@id", silo.Id), ("@host", silo.Host), ("@pid", silo.ProcessId), ("@slots", StoreCodec.StringsToJson(silo.Slots)),
            ("@state", StoreCodec.Name(silo.State)), ("@started", StoreCodec.ToUnixMs(silo.StartedAt)),
            ("@heartbeat", StoreCodec.ToUnixMs(silo.LastHeartbeat))), ct));
    }

    public Task<IReadOnlyList<long>> HeartbeatAsync(string siloId, TimeSpan lease, CancellationToken ct = default)
    {
        StoreValidation.RequireText(siloId, nameof(siloId));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        return AsTask<IReadOnlyList<long>>(() => Write((connection, transaction, now) =>
        {
            if (Execute(connection, transaction, "UPDATE silos SET last_heartbeat = @now WHERE id = @silo;", ("@silo", siloId), ("@now", now)) == 0)
                throw SiloNotRegistered(siloId);
            Execute(connection, transaction,
                "UPDATE trials SET lease_expires_at = @expires WHERE state = 'running' AND owner = @silo;",
                ("@silo", siloId), ("@expires", now + (long)lease.TotalMilliseconds));
            // Attempts of this silo that someone else ended (lease expired, campaign cancelled): it must stop them.
            var lost = List(connection, transaction,
                "SELECT trial_id FROM trial_attempts WHERE silo_id = @silo AND owner_notified = 0 AND outcome IS NOT NULL ORDER BY trial_id;",
                reader => reader.GetInt64(0), ("@silo", siloId));
            Execute(connection, transaction,
                "UPDATE trial_attempts SET owner_notified = 1 WHERE silo_id = @silo AND owner_notified = 0 AND outcome IS NOT NULL;",
                ("@silo", siloId));
            return lost;
        }, ct));
    }

    public Task SetSiloStateAsync(string siloId, SiloState state, CancellationToken ct = default)
    {
        StoreValidation.RequireText(siloId, nameof(siloId));
        return AsTask(() => Write((connection, transaction, _) =>
            Execute(connection, transaction, "UPDATE silos SET state = @state WHERE id = @silo;",
                ("@silo", siloId), ("@state", StoreCodec.Name(state))) == 0
                ? throw SiloNotRegistered(siloId)
                : true, ct));
    }

    public Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken ct = default) =>
        AsTask<IReadOnlyList<SiloRecord>>(() => Read(connection => List(connection, null,
            "SELECT id, host, process_id, slots_json, state, started_at, last_heartbeat FROM silos ORDER BY id;",
            reader => new SiloRecord(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), StoreCodec.StringsFromJson(reader.GetString(3)),
                StoreCodec.Parse<SiloState>(reader.GetString(4)), StoreCodec.FromUnixMs(reader.GetInt64(5)),
                StoreCodec.FromUnixMs(reader.GetInt64(6)))), ct));

    private static InvalidOperationException SiloNotRegistered(string siloId) => new($"Silo '{siloId}' is not registered.");
}
