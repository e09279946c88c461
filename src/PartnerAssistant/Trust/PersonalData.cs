using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerAssistant.People;

namespace PartnerAssistant.Trust;

/// <summary>
/// Personal data one capability holds in the relational database: which columns name a person, how to
/// gather what it holds about one person (access and portability), and how to erase it. Each capability
/// declares its own (<c>Deals/DealsPersonalData.cs</c>, …); the export and the erasure ask all of them,
/// in one database transaction, and then sweep every text column of every table for what is left.
/// </summary>
public interface IPersonalDataSource
{
    /// <summary>The capability, as the export document names its section (<c>deals</c>).</summary>
    string Name { get; }

    /// <summary>Every column that names or identifies a person, <c>table.column</c>. A test compares them with
    /// the database catalogue, so a new table with a person in it is noticed.</summary>
    IReadOnlyList<string> PersonColumns { get; }

    /// <summary>Adds the conversations the person took part in (their keys as the conversation state names them).</summary>
    Task CollectAsync(PersonalDataSubject subject, SqlSession sql, CancellationToken cancellationToken) => Task.CompletedTask;

    Task ExportAsync(PersonalDataExport export, CancellationToken cancellationToken);

    Task EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken);
}

/// <summary>A conversation a person took part in: its state key (<c>channel/conversation id</c>) and whether it was theirs alone.</summary>
public sealed record SubjectConversation(string Key, bool Personal);

/// <summary>
/// Everyone the product may have stored under: the directory's ids, e-mail and name, and the conversations
/// found so far. Serialisable, because an erasure's final pass runs after the directory row is gone.
/// </summary>
public sealed class PersonalDataSubject
{
    public required string PersonId { get; init; }
    public required string ChannelUserId { get; init; }
    public string Email { get; init; } = "";
    public required string DisplayName { get; init; }
    public required string OrganisationId { get; init; }
    public Role Role { get; init; }
    public List<SubjectConversation> Conversations { get; init; } = [];

    /// <summary>When the person last wrote or was written to, as far as the sources found (unix ms).</summary>
    public long? LastActiveAtMs { get; set; }

    public static PersonalDataSubject Of(Person person) => new()
    {
        PersonId = person.Id,
        ChannelUserId = person.ChannelUserId,
        Email = person.Email,
        DisplayName = person.DisplayName,
        OrganisationId = person.OrganisationId,
        Role = person.Role,
    };

    public void AddConversation(string key, bool personal)
    {
        if (!Conversations.Any(c => c.Key == key))
        {
            Conversations.Add(new SubjectConversation(key, personal));
        }
    }

    public void NoteActivity(long atMs) => LastActiveAtMs = Math.Max(LastActiveAtMs ?? 0, atMs);

    /// <summary>The values free text is searched for: ids, e-mail, name (and the name as JSON writes non-ASCII
    /// letters), longest first so a longer one is replaced before a shorter one inside it.</summary>
    public IReadOnlyList<string> SearchTerms
    {
        get
        {
            var terms = new List<string> { PersonId, ChannelUserId, Email, DisplayName };
            terms.Add(JsonEncodedText.Encode(DisplayName, JavaScriptEncoder.Default).ToString());
            return terms.Where(t => t.Trim().Length >= 3).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(t => t.Length).ToList();
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, PersonalDataJson.Options);

    public static PersonalDataSubject FromJson(string json) =>
        JsonSerializer.Deserialize<PersonalDataSubject>(json, PersonalDataJson.Options) ?? throw new InvalidDataException("The pending subject is empty.");
}

/// <summary>The label that replaces a person in the records that stay: "former partner user #7".</summary>
public sealed record Pseudonym(long Number, bool Staff)
{
    public string Label => Staff
        ? $"former staff member #{Number.ToString(CultureInfo.InvariantCulture)}"
        : $"former partner user #{Number.ToString(CultureInfo.InvariantCulture)}";

    public override string ToString() => Label;
}

public static class PersonalDataJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>A database value as JSON: numbers, text and flags as they are; text holding JSON as JSON; bytes as a size.</summary>
    public static JsonNode? Value(string column, object? value) => value switch
    {
        null => null,
        string text when LooksLikeJson(column, text) => TryParse(text) ?? JsonValue.Create(text),
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        long number => JsonValue.Create(number),
        int number => JsonValue.Create(number),
        short number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        float number => JsonValue.Create(number),
        decimal number => JsonValue.Create(number),
        byte[] bytes => JsonValue.Create($"({bytes.Length} bytes)"),
        DateTime time => JsonValue.Create(time.ToString("O", CultureInfo.InvariantCulture)),
        DateTimeOffset time => JsonValue.Create(time.ToString("O", CultureInfo.InvariantCulture)),
        DateOnly date => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        Guid id => JsonValue.Create(id.ToString()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    public static JsonObject Row(Dictionary<string, object?> row, IReadOnlyCollection<string>? omit = null)
    {
        var json = new JsonObject();
        foreach (var (column, value) in row)
        {
            if (omit is null || !omit.Contains(column))
            {
                json[column] = Value(column, value);
            }
        }

        return json;
    }

    private static bool LooksLikeJson(string column, string text) =>
        (column == "json" || column.EndsWith("_json", StringComparison.Ordinal)) && text.Length > 1 && text[0] is '{' or '[';

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
