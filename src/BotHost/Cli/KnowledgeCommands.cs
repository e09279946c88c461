using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Documents;
using PartnerAssistant.Knowledge.Evaluation;

namespace BotHost.Cli;

/// <summary><c>knowledge ingest | search | sources | add | retire | reindex | unanswered | eval | eval-answers</c>: the enablement knowledge base.</summary>
internal static class KnowledgeCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var knowledge = new Command("knowledge", "Ingest, search and curate the enablement knowledge base.");
        var collection = new Option<string?>("--collection") { Description = "The collection (default: Knowledge:DefaultCollection, 'enablement')." };

        var folder = new Argument<string>("folder") { Description = "Folder whose Markdown, text, HTML and .docx files are ingested (recursively)." };
        var force = new Option<bool>("--force") { Description = "Re-embed every document, changed or not." };
        var ingest = new Command("ingest", "Ingest every supported file under a folder; unchanged files are skipped, removed files leave the index.") { folder, collection, force };
        ingest.SetAction((parse, ct) =>
        {
            // This command fills the collection itself; the start-up ingestion of the shipped corpus would be wasted work.
            Environment.SetEnvironmentVariable("Knowledge__IngestOnStart", "false");
            return AdminCommandLine.RunAsync(async (services, token) =>
            {
                var path = Path.GetFullPath(parse.GetValue(folder)!);
                if (!Directory.Exists(path))
                {
                    throw new CommandException($"The folder '{path}' does not exist.", 2);
                }

                var target = parse.GetValue(collection) ?? services.GetRequiredService<KnowledgeRetriever>().DefaultCollection;
                var report = await services.GetRequiredService<KnowledgeIngestor>().IngestFolderAsync(path, target, parse.GetValue(force), null, token);
                Console.WriteLine($"{report}.");
                foreach (var problem in report.Problems)
                {
                    Console.WriteLine($"  skipped: {problem}");
                }

                return 0;
            }, ct);
        });

        var query = new Argument<string>("question") { Description = "The question or keywords." };
        var top = new Option<int>("--top") { Description = "How many passages (1–50).", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {source, title, section, score, text} and nothing else." };
        var audience = new Option<string>("--audience") { Description = "Search as 'internal' (default: every document) or 'partner' (what partners may see).", DefaultValueFactory = _ => "internal" };
        var search = new Command("search", "Print the passages hybrid search ranks highest for a question.") { query, collection, top, json, audience };
        search.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var count = parse.GetValue(top);
            if (count is < 1 or > 50)
            {
                throw new CommandException("--top must be between 1 and 50.", 2);
            }

            var filter = parse.GetValue(audience)?.ToLowerInvariant() switch
            {
                "partner" or "partners" => KnowledgeFilter.Partner,
                "internal" or null => KnowledgeFilter.Internal,
                var other => throw new CommandException($"--audience must be 'partner' or 'internal', not '{other}'.", 2),
            };
            var retrieval = await services.GetRequiredService<KnowledgeRetriever>().RetrieveAsync(parse.GetValue(query)!, filter, count, parse.GetValue(collection), token);
            var results = retrieval.Hits.Select(SearchResult.From).ToList();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results, Json));
                return 0;
            }

            if (results.Count == 0)
            {
                Console.WriteLine("No passages found.");
            }

            for (var i = 0; i < results.Count; i++)
            {
                var hit = retrieval.Hits[i];
                Console.WriteLine($"{i + 1}. {results[i].Title}{(results[i].Section.Length > 0 ? " › " + results[i].Section : "")}  [{results[i].Source}]");
                Console.WriteLine($"   score {results[i].Score:F4}, similarity {hit.Similarity:F3}");
                Console.WriteLine($"   {Shorten(results[i].Text, 300)}");
            }

            return 0;
        }, ct));

        var includeRetired = new Option<bool>("--all") { Description = "Include retired documents." };
        var sources = new Command("sources", "List the documents with their audience and last review date.") { json, includeRetired };
        sources.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var documents = await services.GetRequiredService<KnowledgeEditor>().ListSourcesAsync(null, parse.GetValue(includeRetired), token);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(documents.Select(SourceView.From), Json));
                return 0;
            }

            foreach (var document in documents)
            {
                var reviewed = document.LastReviewed?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "never";
                Console.WriteLine($"{document.Source,-50} {document.Audience.Slug(),-9} reviewed {reviewed,-10} {document.Chunks,3} passages{(document.Retired ? "  RETIRED" : "")}  {document.Title}");
            }

            return 0;
        }, ct));

        var file = new Argument<string>("file") { Description = "A Markdown, text, HTML or .docx file." };
        var addAudience = new Option<string?>("--audience") { Description = "partner, internal or all (default: the file's front matter, else internal)." };
        var add = new Command("add", "Add or replace one document (a file of the same name replaces the document it names).") { file, addAudience };
        add.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CommandException($"The file '{path}' does not exist.", 2);
            }

            KnowledgeAudience? chosen = parse.GetValue(addAudience) is { } text
                ? KnowledgeAudiences.Parse(text) ?? throw new CommandException("--audience must be partner, internal or all.", 2)
                : null;
            try
            {
                var (document, report) = await services.GetRequiredService<KnowledgeEditor>().AddDocumentAsync(null, Path.GetFileName(path), await File.ReadAllBytesAsync(path, token), chosen, token);
                Console.WriteLine($"Added {document.Source} ({document.Audience.Slug()}): {report}.");
                return 0;
            }
            catch (DocumentFormatException ex)
            {
                throw new CommandException(ex.Message, 2);
            }
        }, ct));

        var source = new Argument<string>("source") { Description = "The document's source path, e.g. program/mdf.md." };
        var retire = new Command("retire", "Retire a document: it leaves the index and is not used for answers.") { source };
        retire.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var result = await services.GetRequiredService<KnowledgeEditor>().RetireAsync(null, parse.GetValue(source)!, token);
            if (result is null)
            {
                throw new CommandException($"No document '{parse.GetValue(source)}' in the knowledge base ('knowledge sources' lists them).", 3);
            }

            Console.WriteLine($"Retired {result.Value.Document.Source}: {result.Value.Report}.");
            return 0;
        }, ct));

        var reindex = new Command("reindex", "Re-read and re-embed every document of the default collection.");
        reindex.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var report = await services.GetRequiredService<KnowledgeEditor>().ReindexAsync(null, token);
            Console.WriteLine($"{report}.");
            return 0;
        }, ct));

        var days = new Option<int>("--days") { Description = "How many days back.", DefaultValueFactory = _ => 30 };
        var unanswered = new Command("unanswered", "What was asked that could not be answered, or got a thumbs down, grouped by topic.") { days, json };
        unanswered.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var report = await services.GetRequiredService<KnowledgeEditor>().UnansweredAsync(null, parse.GetValue(days), token);
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(report, Json) : KnowledgePlugin.Render(report).Replace("**", "", StringComparison.Ordinal));
            return 0;
        }, ct));

        var questions = new Option<string?>("--questions") { Description = "The question set (default: tests/Evaluation/knowledge-questions.json in the repository)." };
        var eval = new Command("eval", "Measure retrieval on the question set: recall@1, recall@5, MRR, and abstention on unanswerable questions.") { questions, collection, json };
        eval.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var path = parse.GetValue(questions) ?? PartnerAssistant.Hosting.AssetLocator.Find("tests/Evaluation/knowledge-questions.json")
                ?? throw new CommandException("No question set found; pass --questions <file>.", 2);
            var set = RetrievalEvaluation.LoadQuestions(path);
            var evaluation = services.GetRequiredService<RetrievalEvaluation>();
            var result = await evaluation.RunAsync(set, parse.GetValue(collection), token);
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(result, Json) : result.ToString());
            return 0;
        }, ct));

        var answerSet = new Option<string?>("--questions") { Description = "The answer-quality set (default: tests/Evaluation/knowledge-answers.json in the repository)." };
        var split = new Option<string>("--split") { Description = "Which half: 'tuning' (default), 'test' (report only; never tune on it) or 'all'.", DefaultValueFactory = _ => "tuning" };
        var verbose = new Option<bool>("--verbose") { Description = "Print every question's answer, not only the misses." };
        var evalAnswers = new Command("eval-answers", "Measure the answers: key fact present, fact recall against a reference, beside the first-90-words and oracle baselines, and abstention on out-of-scope questions.") { answerSet, split, verbose, json };
        evalAnswers.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var half = parse.GetValue(split)!;
            if (half is not ("tuning" or "test" or "all"))
            {
                throw new CommandException("--split must be 'tuning', 'test' or 'all'.", 2);
            }

            var path = parse.GetValue(answerSet) ?? PartnerAssistant.Hosting.AssetLocator.Find("tests/Evaluation/knowledge-answers.json")
                ?? throw new CommandException("No answer set found; pass --questions <file>.", 2);
            var result = await services.GetRequiredService<AnswerEvaluation>().RunAsync(AnswerEvaluation.LoadQuestions(path), half, token);
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(result, Json) : result.Render(parse.GetValue(verbose)));
            return 0;
        }, ct));

        knowledge.Subcommands.Add(ingest);
        knowledge.Subcommands.Add(search);
        knowledge.Subcommands.Add(sources);
        knowledge.Subcommands.Add(add);
        knowledge.Subcommands.Add(retire);
        knowledge.Subcommands.Add(reindex);
        knowledge.Subcommands.Add(unanswered);
        knowledge.Subcommands.Add(eval);
        knowledge.Subcommands.Add(evalAnswers);
        return knowledge;
    }

    private static string Shorten(string text, int length)
    {
        var flat = text.Replace('\n', ' ');
        return flat.Length <= length ? flat : flat[..length] + "…";
    }
}

/// <summary>One search result as the command line and the search API print it.</summary>
public sealed record SearchResult(string Source, string Title, string Section, double Score, string Text)
{
    public static SearchResult From(KnowledgeHit hit) =>
        new(hit.Chunk.Source, hit.Chunk.Title, hit.Chunk.Section, Math.Round(hit.Score, 6), hit.Chunk.Text);
}

/// <summary>A registry document as the command line and the admin API show it (without its text).</summary>
public sealed record SourceView(string Source, string Title, KnowledgeAudience Audience, string? LastReviewed, string Owner, string SourceUrl, int Passages, bool Retired, DocumentOrigin Origin)
{
    public static SourceView From(KnowledgeDocumentRow row) =>
        new(row.Source, row.Title, row.Audience, row.LastReviewed?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Owner, row.SourceUrl, row.Chunks, row.Retired, row.Origin);
}
