using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation.LanguageModel;
using PartnerAssistant.Edge;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;

namespace PartnerAssistant.Trust;

/// <summary>One place data lives: what it holds, on which host, in which region the operator says that host is.</summary>
public sealed record DataLocation(string Store, string Location, string Region, IReadOnlyList<string> Holds);

/// <summary>
/// Where each kind of data is stored, from the configuration actually in force: the data folder (this host), the
/// relational database, the vector store, the edge gateways (each at its customer's site) and the language model
/// endpoint (if any). Hosts only, never credentials. Regions are what the operator declared under
/// <c>Privacy:Residency</c>; the host cannot know them itself.
/// </summary>
public sealed class DataResidency(
    IOptions<DatabaseOptions> database,
    IOptions<KnowledgeOptions> knowledge,
    IOptions<EdgeOptions> edge,
    IOptions<AzureOpenAIOptions> languageModel,
    IOptions<PrivacyOptions> privacy)
{
    public const string NotDeclared = "not declared";

    public IReadOnlyList<DataLocation> Describe()
    {
        var regions = privacy.Value.Residency;
        var sqlite = database.Value.Provider == DatabaseProvider.Sqlite;
        var embedded = knowledge.Value.Store == KnowledgeStoreKind.Embedded;
        var folder = new List<string> { "deal model versions and their model cards", "program evidence documents (attestations, MDF proof of performance)", "the built language model cache" };
        if (sqlite)
        {
            folder.Insert(0, "the relational database (SQLite file)");
        }

        if (embedded)
        {
            folder.Insert(sqlite ? 1 : 0, "the knowledge store (passages and their vectors)");
        }

        var locations = new List<DataLocation>
        {
            new("data folder", $"this host ({Environment.MachineName})", Region(regions.DataFolderRegion), folder),
            new("database", sqlite ? "the data folder" : $"PostgreSQL at {PostgresHost(database.Value.ConnectionString)}", Region(sqlite ? regions.DataFolderRegion : regions.DatabaseRegion),
                ["directory", "conversation state and references", "Web Chat conversations, their history and uploaded files", "knowledge documents, question log and feedback",
                 "deal registrations and their audit log", "program records and their audit log", "the erasure register and answer provenance"]),
        };

        if (!embedded)
        {
            locations.Add(new("vector store", $"Qdrant at {Host(knowledge.Value.Qdrant.Url)}", Region(regions.VectorStoreRegion), ["knowledge passages and their vectors (no personal data)"]));
        }

        foreach (var gateway in edge.Value.Gateways)
        {
            locations.Add(new($"edge gateway {gateway.Name}", $"{Host(gateway.Url)} at {(string.IsNullOrWhiteSpace(gateway.Site) ? "the customer's site" : gateway.Site)}", "the customer's site",
                ["images and recordings sent for a reading, processed in memory and not kept; only the reading (text, speech segments, scores) comes back"]));
        }

        if (languageModel.Value.IsEnabled)
        {
            locations.Add(new("language model", Host(languageModel.Value.Endpoint), Region(regions.LanguageModelRegion),
                ["each turn's messages and tool results while it is answered (the assistant keeps the conversation state, not the endpoint)"]));
        }

        return locations;
    }

    public JsonArray ToJson() => [.. Describe().Select(l => (JsonNode)new JsonObject
    {
        ["store"] = l.Store,
        ["location"] = l.Location,
        ["region"] = l.Region,
        ["holds"] = new JsonArray([.. l.Holds.Select(h => (JsonNode)JsonValue.Create(h)!)]),
    })];

    private static string Region(string declared) => string.IsNullOrWhiteSpace(declared) ? NotDeclared : declared.Trim();

    private static string Host(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "(not configured)";

    /// <summary>The server's host name from a connection string, leaving out the user, password and database.</summary>
    private static string PostgresHost(string? connectionString)
    {
        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Host ?? "(not configured)";
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }
}
