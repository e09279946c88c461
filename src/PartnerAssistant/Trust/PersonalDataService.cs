using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Cards;
using PartnerAssistant.Hosting;
using PartnerAssistant.People;

namespace PartnerAssistant.Trust;

/// <summary>Who asks for an export or an erasure: a person from the directory, or an operator (the command line, the
/// local administrator of a development host), named <see cref="ActorId"/> in the erasure register.</summary>
public sealed record PrivacyRequester(string ActorId, string ActorRole, Caller? Caller)
{
    public static PrivacyRequester Of(Caller caller) => new(caller.Person.Id, caller.Role.Slug(), caller);

    public static PrivacyRequester Operator(string actorId) => new(actorId, "operator", null);

    public bool IsOperator => Caller is null;
}

/// <summary>Why a privacy request was not done; the API maps each to a status, the command line to an exit code.</summary>
public enum PrivacyProblem
{
    /// <summary>No such person (or none the requester may know of): 404.</summary>
    UnknownPerson,

    /// <summary>The requester's role may not do this: 403.</summary>
    NotAllowed,

    /// <summary>The person was erased already: 409.</summary>
    AlreadyErased,
}

public sealed class PrivacyException(PrivacyProblem problem, string message) : Exception(message)
{
    public PrivacyProblem Problem { get; } = problem;
}

/// <summary>
/// Who may see or erase whose data. A person may export their own; a partner administrator the people of their
/// own organisation (and nobody else's, nor learn whether someone elsewhere exists); a channel manager anyone's.
/// Only a channel manager (or an operator) erases: it cannot be undone and it rewrites the vendor's own records
/// (registrations, MDF, audit logs), so a partner administrator asks their channel manager.
/// </summary>
public static class PersonalDataRights
{
    public static bool MayExport(PrivacyRequester requester, Person subject) =>
        requester.Caller is not { } caller
        || caller.Person.Id == subject.Id
        || caller.Role == Role.ChannelManager
        || (caller.Role == Role.PartnerAdmin && caller.OrganisationId == subject.OrganisationId);

    public static bool MayErase(PrivacyRequester requester) => requester.Caller is not { } caller || caller.Role == Role.ChannelManager;

    /// <summary>The answer for a person the requester may not export, worded the same whether or not they exist elsewhere.</summary>
    public static PrivacyException Unknown(PrivacyRequester requester, string personId) => requester.Caller switch
    {
        { Role: Role.PartnerAdmin } caller => new PrivacyException(PrivacyProblem.UnknownPerson,
            $"There is no one with the id '{personId}' in {caller.Organisation.Name}. Partner administrators can ask for the data of their own organisation's people only."),
        { Role: Role.ChannelManager } or null => new PrivacyException(PrivacyProblem.UnknownPerson, $"There is no one with the id '{personId}' in the directory."),
        _ => new PrivacyException(PrivacyProblem.NotAllowed, "You can ask for your own data only. A Northbeam channel manager can help with anyone else's."),
    };
}

/// <summary>Everything the product holds about one person: one JSON document, and the card that summarises it.</summary>
public sealed record PersonalDataDocument(PersonalDataSubject Subject, Organisation Organisation, DateTimeOffset GeneratedAt, string RequestedBy,
    IReadOnlyList<ExportSection> Sections, IReadOnlyList<ExportFile> Files, RetentionOptions Retention)
{
    public JsonObject ToJson()
    {
        var c = CultureInfo.InvariantCulture;
        var holdings = new JsonArray();
        foreach (var section in Sections)
        {
            holdings.Add(new JsonObject
            {
                ["source"] = section.Source,
                ["table"] = section.Key,
                ["description"] = section.Description,
                ["count"] = section.Rows.Count,
                ["rows"] = section.Rows.DeepClone(),
            });
        }

        var files = new JsonArray();
        foreach (var file in Files)
        {
            files.Add(new JsonObject
            {
                ["source"] = file.Source,
                ["description"] = file.Description,
                ["name"] = file.Name,
                ["contentType"] = file.ContentType,
                ["sizeBytes"] = file.SizeBytes,
                ["sha256"] = file.Sha256,
                ["at"] = file.AtMs is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at).ToString("O", c) : null,
                ["contentBase64"] = file.Content is { } bytes ? Convert.ToBase64String(bytes) : null,
            });
        }

        var retention = new JsonObject();
        foreach (var kind in Enum.GetValues<RetentionKind>())
        {
            retention[char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..]] = Retention.For(kind).ToString("c", c);
        }

        return new JsonObject
        {
            ["about"] = new JsonObject
            {
                ["personId"] = Subject.PersonId,
                ["displayName"] = Subject.DisplayName,
                ["email"] = Subject.Email,
                ["channelUserId"] = Subject.ChannelUserId,
                ["role"] = Subject.Role.Slug(),
                ["organisation"] = new JsonObject
                {
                    ["id"] = Organisation.Id,
                    ["name"] = Organisation.Name,
                    ["partnerType"] = Organisation.PartnerType?.ToString(),
                    ["tier"] = Organisation.Tier?.ToString(),
                    ["region"] = Organisation.Region,
                    ["country"] = Organisation.Country,
                },
            },
            ["generatedAt"] = GeneratedAt.ToString("O", c),
            ["requestedBy"] = RequestedBy,
            ["holdings"] = holdings,
            ["files"] = files,
            ["retention"] = retention,
            ["notes"] = new JsonArray(
                "Each holding is the rows of one table that name this person, as stored; business records (registrations, MDF requests and claims, audit entries) stay after an erasure with the person replaced by a pseudonym.",
                "The host's logs carry person ids for troubleshooting; they are kept by the log platform the operator runs, not in these stores.",
                "Uploaded files are listed with their SHA-256; the full export carries their bytes (contentBase64)."),
        };
    }

    /// <summary>The readable summary: who, what kinds of data and how many, and how long each is kept.</summary>
    public JsonObject ToCard()
    {
        var c = CultureInfo.InvariantCulture;
        var card = AdaptiveCardBuilder.Create()
            .Title($"What Partner Assistant holds about {Subject.DisplayName}")
            .Facts([
                ("Role", Subject.Role.Describe()),
                ("Organisation", Organisation.Name),
                ("E-mail", Subject.Email.Length == 0 ? "(none)" : Subject.Email),
                ("Channel id", Subject.ChannelUserId),
            ]);
        var facts = Sections.Select(s => (s.Description, Count(s))).ToList();
        if (Files.Count > 0)
        {
            facts.Add(("Files", string.Format(c, "{0} ({1:N0} KB)", Files.Count, Files.Sum(f => f.SizeBytes) / 1024.0)));
        }

        card = facts.Count == 0
            ? card.Text("Nothing beyond the directory entry above.", subtle: true)
            : card.Text("Kept in the assistant's stores", weight: "Bolder").Facts(facts);
        card.Text(string.Format(c, "Kept: conversations {0} days after their last message, questions {1} days, feedback {2} days, uploads {3} days. " +
            "Registrations, MDF and audit records stay as business records.",
            Retention.Transcripts.TotalDays, Retention.QuestionsLog.TotalDays, Retention.Feedback.TotalDays, Retention.Uploads.TotalDays), subtle: true);
        return card.Build();

        static string Count(ExportSection section)
        {
            var labels = section.Labels.Take(5).ToList();
            return labels.Count == 0 ? section.Rows.Count.ToString(CultureInfo.InvariantCulture)
                : $"{section.Rows.Count} ({string.Join(", ", labels)}{(section.Labels.Count > labels.Count ? ", …" : "")})";
        }
    }
}

/// <summary>
/// Access and portability: gathers what every capability holds about one person into one document, after
/// checking the requester may see it (<see cref="PersonalDataRights"/>).
/// </summary>
public sealed class PersonalDataService(
    IServiceScopeFactory scopes,
    DirectoryService directory,
    IEnumerable<IPersonalDataSource> sources,
    IOptions<PrivacyOptions> options,
    TimeProvider time,
    ErasureRegister register)
{
    public async Task<PersonalDataDocument> ExportAsync(PrivacyRequester requester, string personId, bool includeFileContents, CancellationToken cancellationToken)
    {
        var caller = await directory.FindByPersonIdAsync(personId, cancellationToken);
        if (caller is null || !PersonalDataRights.MayExport(requester, caller.Person))
        {
            if (caller is null && (requester.IsOperator || requester.Caller!.Role == Role.ChannelManager) && await register.FindAsync(personId, cancellationToken) is { } erased)
            {
                throw new PrivacyException(PrivacyProblem.AlreadyErased, erased.Describe());
            }

            throw PersonalDataRights.Unknown(requester, personId);
        }

        var subject = PersonalDataSubject.Of(caller.Person);
        await using var sql = await SqlSession.BeginAsync(scopes, cancellationToken, snapshot: true);
        var export = new PersonalDataExport(subject, sql, includeFileContents);
        foreach (var source in sources)
        {
            await source.CollectAsync(subject, sql, cancellationToken);
        }

        foreach (var source in sources)
        {
            await source.ExportAsync(export, cancellationToken);
        }

        return new PersonalDataDocument(subject, caller.Organisation, time.GetUtcNow(), requester.ActorId, export.Sections, export.Files, options.Value.Retention);
    }
}
