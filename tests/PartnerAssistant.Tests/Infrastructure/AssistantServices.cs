using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Tests.Infrastructure;

/// <summary>The assistant's services over a fresh temporary data folder and a fresh database of
/// the chosen provider, migrated and seeded like a first run.</summary>
public sealed class AssistantServices : IAsyncDisposable
{
    private AssistantServices(ServiceProvider services, string folder)
    {
        Services = services;
        Folder = folder;
    }

    public ServiceProvider Services { get; }

    public string Folder { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Builds and prepares the services. For PostgreSQL, skips the calling test when no server can run here.</summary>
    public static async Task<AssistantServices> CreateAsync(
        DatabaseProvider provider = DatabaseProvider.Sqlite,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pa-test-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(folder);
        var values = new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Database:Provider"] = provider.ToString(),
            // Training the first-run deal model costs seconds; tests that need it turn it on.
            ["Prediction:TrainAtFirstRun"] = "false",
            // Embedding the whole enablement corpus takes tens of seconds; tests that need it turn it on.
            ["Knowledge:IngestOnStart"] = "false",
            // Each test has its own data folder; the model built from the MiniLM weights is built once for all.
            ["Embeddings:CacheDirectory"] = Path.Combine(Path.GetTempPath(), "pa-test-models"),
        };
        if (provider == DatabaseProvider.Postgres)
        {
            var server = await PostgresServer.GetAsync();
            if (server.Unavailable is not null)
            {
                Assert.Skip(server.Unavailable);
            }

            values["Database:ConnectionString"] = await server.CreateDatabaseAsync("pa");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        BotFramework.BotFrameworkServiceCollectionExtensions.AddBotFramework(services, configuration);
        services.AddPartnerAssistant(configuration);
        configure?.Invoke(services);
        var provider_ = services.BuildServiceProvider();
        await AssistantStartup.PrepareAsync(provider_, NullLogger.Instance, CancellationToken.None);
        return new AssistantServices(provider_, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
