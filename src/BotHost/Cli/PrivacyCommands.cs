using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PartnerAssistant.Trust;

namespace BotHost.Cli;

/// <summary>
/// <c>directory export-person | erase-person | erasures | retention</c>: a person's data on request, as an
/// operator (named <c>cli:&lt;user&gt;</c> in the erasure register). Exit codes: 3 no such person, 5 already erased.
/// </summary>
internal static class PrivacyCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void AddTo(Command directory)
    {
        directory.Subcommands.Add(ExportPerson());
        directory.Subcommands.Add(ErasePerson());
        directory.Subcommands.Add(Erasures());
        directory.Subcommands.Add(Retention());
    }

    private static PrivacyRequester Operator() => PrivacyRequester.Operator("cli:" + Environment.UserName);

    private static Command ExportPerson()
    {
        var id = new Argument<string>("id") { Description = "Person id (e.g. lukas-meyer)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the JSON document to this file instead of standard output." };
        var noFiles = new Option<bool>("--no-files") { Description = "Describe uploaded files (name, size, SHA-256) without their bytes." };
        var command = new Command("export-person", "Everything the assistant holds about one person, as one JSON document (access and portability).") { id, output, noFiles };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var document = await Run(() => services.GetRequiredService<PersonalDataService>().ExportAsync(Operator(), parse.GetValue(id)!, !parse.GetValue(noFiles), token));
            var json = document.ToJson().ToJsonString(Indented);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, json, token);
                Console.WriteLine($"Wrote what is held about {document.Subject.DisplayName} ({document.Sections.Sum(s => s.Rows.Count)} records in {document.Sections.Count} places, {document.Files.Count} files) to {file.FullName}.");
            }
            else
            {
                Console.WriteLine(json);
            }

            return 0;
        }, ct));
        return command;
    }

    private static Command ErasePerson()
    {
        var id = new Argument<string>("id") { Description = "Person id (e.g. lukas-meyer)." };
        var yes = new Option<bool>("--yes") { Description = "Erase. Without it, the command only says what would be erased." };
        var finishNow = new Option<bool>("--finish-now") { Description = "Run the final pass at once even if the person was active just before (use when no host is serving)." };
        var command = new Command("erase-person", "Erase one person: their own records deleted, the business records that stay pseudonymised, an entry in the erasure register.") { id, yes, finishNow };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var personId = parse.GetValue(id)!;
            if (!parse.GetValue(yes))
            {
                var document = await Run(() => services.GetRequiredService<PersonalDataService>().ExportAsync(Operator(), personId, false, token));
                Console.WriteLine($"{document.Subject.DisplayName} ({document.Organisation.Name}): {document.Sections.Sum(s => s.Rows.Count)} records in {document.Sections.Count} places, {document.Files.Count} files.");
                foreach (var section in document.Sections)
                {
                    Console.WriteLine($"    {section.Rows.Count,5}  {section.Description} ({section.Key})");
                }

                throw new CommandException("Nothing was erased. Run again with --yes to erase; it cannot be undone.", 2);
            }

            var eraser = services.GetRequiredService<PersonalDataEraser>();
            var record = await Run(() => eraser.EraseAsync(Operator(), personId, token));
            if (!record.IsComplete && parse.GetValue(finishNow))
            {
                await eraser.FinishPendingAsync(force: true, token);
                record = (await services.GetRequiredService<ErasureRegister>().GetAsync(record.Number, token))!;
            }

            Console.WriteLine($"Erasure #{record.Number} ({record.State}). {record.Describe()}");
            Console.WriteLine(record.Summary?.ToJsonString(Indented));
            return 0;
        }, ct));
        return command;
    }

    private static Command Erasures()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("erasures", "The erasure register: what was erased, when and by whom (never who).") { json };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var records = await services.GetRequiredService<ErasureRegister>().ListAsync(token);
            if (parse.GetValue(json))
            {
                Console.WriteLine(new System.Text.Json.Nodes.JsonArray([.. records.Select(r => (System.Text.Json.Nodes.JsonNode)r.ToJson())]).ToJsonString(Indented));
                return 0;
            }

            foreach (var record in records)
            {
                Console.WriteLine($"#{record.Number,-4} {record.State,-10} {(record.ErasedAt ?? record.RequestedAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}  {record.Pseudonym,-26} {record.SubjectOrganisationId,-12} by {record.RequestedBy}");
            }

            return 0;
        }, ct));
        return command;
    }

    private static Command Retention()
    {
        var command = new Command("retention", "Apply the retention periods now (the host does it every Privacy:MaintenanceInterval) and finish due erasures.");
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var removed = await services.GetRequiredService<RetentionService>().RunAsync(token);
            Console.WriteLine(removed.Count == 0 ? "Nothing is older than its retention period." : string.Join(Environment.NewLine, removed.Select(r => $"{r.Value,6}  {r.Key}")));
            return 0;
        }, ct));
        return command;
    }

    private static async Task<T> Run<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (PrivacyException ex)
        {
            throw new CommandException(ex.Message, ex.Problem == PrivacyProblem.AlreadyErased ? 5 : 3);
        }
    }
}
