using BotHost.Tests.Infrastructure;
using Npgsql;
using PartnerAssistant.Tests.Infrastructure;

namespace BotHost.Tests.Replicas;

/// <summary>
/// Two real host processes (src/BotHost's build, started with <c>dotnet</c>) on one PostgreSQL database, in
/// authenticated mode against one test channel that plays the Bot Connector and counts its calls, each with a data
/// folder of its own, as two containers behind a load balancer would be. Maintenance loops tick every second.
/// </summary>
public sealed class TwoReplicasFixture : IAsyncLifetime
{
    public TestChannel Channel { get; private set; } = null!;
    public HostProcess A { get; private set; } = null!;
    public HostProcess B { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public string? Unavailable { get; private set; }

    public IReadOnlyList<HostProcess> Replicas => [A, B];

    /// <summary>The Direct Line secret both replicas share (a partner portal's server sends it to ask for tokens).</summary>
    public string DirectLineSecret { get; } = "replica-test-secret-" + Guid.NewGuid().ToString("N");

    public async ValueTask InitializeAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        if (postgres.Unavailable is not null)
        {
            Unavailable = postgres.Unavailable;
            return;
        }

        ConnectionString = await postgres.CreateDatabaseAsync("replicas");
        Channel = await TestChannel.StartAsync();
        var host = HostProcess.BuiltHost();
        Dictionary<string, string?> Settings(string name)
        {
            var settings = Channel.BotSettings();
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = ConnectionString;
            settings["Data:Folder"] = Path.Combine(Path.GetTempPath(), $"pa-replica-{name}-" + Guid.NewGuid().ToString("N")[..8]);
            settings["Knowledge:IngestOnStart"] = "false";
            settings["Prediction:TrainAtFirstRun"] = "false";
            settings["Edge:StartLocalGateway"] = "false";
            settings["Deals:MaintenanceInterval"] = "00:00:01";
            settings["Program:MaintenanceInterval"] = "00:00:01";
            settings["Bot:TypingDelay"] = "00:00:05";
            // Behind one load balancer every replica signs and checks Direct Line tokens with the same secret.
            settings["DirectLine:Secret"] = DirectLineSecret;
            return settings;
        }

        // The first replica migrates and seeds; the second starts on the ready database (both racing works too, but a
        // failure would then say less about what the test is after).
        A = await HostProcess.StartAsync(host, Settings("a"));
        B = await HostProcess.StartAsync(host, Settings("b"));
    }

    /// <summary>Skips the calling test where PostgreSQL cannot run here.</summary>
    public void Require()
    {
        if (Unavailable is not null)
        {
            Assert.Skip(Unavailable);
        }
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (Channel is not null)
        {
            await Channel.DisposeAsync();
        }
    }
}
