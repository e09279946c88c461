using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;
using PartnerAssistant.Cards;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Edge;

/// <summary>
/// Edge gateways in chat: which are online, what they run, and running their models on what the
/// user sends (a label photo, a recording, vital signs, grid telemetry). Every call is bounded in
/// time; a slow run is acknowledged and its result follows as a new message.
/// </summary>
public sealed class EdgePlugin(EdgeService edge, EdgeAttachments attachments, EdgeRuns runs)
{
    public const string OcrTask = "ocr";
    public const string VadTask = "vad";
    public const string AnomalyTask = "telemetry-anomaly";
    public const string ClassifierTask = "telemetry-classifier";

    [KernelFunction("ListGateways"), Description("Lists the edge gateways the user may see, whether each is online, and how many models each serves.")]
    public async Task<AssistantReply> ListGatewaysAsync(Kernel kernel, [Description("The user's request in their own words")] string utterance = "", CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        var statuses = await edge.StatusAsync(caller, cancellationToken);
        if (statuses.Length == 0)
        {
            return AssistantReply.Say("No edge gateways are configured for your organisation yet. Your Northbeam channel manager can add your sites.");
        }

        var online = statuses.Count(s => s.IsOnline);
        var text = new StringBuilder($"**{online} of {statuses.Length}** edge gateway{(statuses.Length == 1 ? " is" : "s are")} online.\n\n");
        var card = AdaptiveCardBuilder.Create().Title("Edge gateways");
        foreach (var status in statuses)
        {
            var gateway = status.Gateway;
            if (status.Health is { } health)
            {
                var ready = health.Models.Count(m => m.Status == "ready");
                var broken = health.Models.Where(m => m.Status != "ready").Select(m => m.Name).ToList();
                text.Append($"- **{gateway.Name}**{Site(gateway)}: online, {ready} of {health.Models.Count} models ready");
                text.Append(broken.Count > 0 ? $" ({string.Join(", ", broken)} unavailable)\n" : "\n");
                card.Text($"**{gateway.Name}**{Site(gateway)}", weight: "Bolder", color: broken.Count > 0 ? "Warning" : "Good")
                    .Facts([
                        ("Status", broken.Count > 0 ? $"Online, degraded ({string.Join(", ", broken)} unavailable)" : "Online"),
                        ("Models", string.Join(", ", health.Models.Select(m => m.Name))),
                        ("Load", $"{health.Running} running, {health.Queued} queued (capacity {health.Capacity})"),
                    ]);
            }
            else
            {
                text.Append($"- **{gateway.Name}**{Site(gateway)}: {Offline(status.Problem!)}\n");
                card.Text($"**{gateway.Name}**{Site(gateway)}", weight: "Bolder", color: "Attention")
                    .Facts([("Status", Offline(status.Problem!))]);
            }
        }

        return AssistantReply.Say(text.ToString().TrimEnd()).WithCard(card.Build())
            .WithSuggestions(statuses.Where(s => s.IsOnline).Take(2).Select(s => $"what models does {s.Gateway.Name} run?").ToArray());
    }

    [KernelFunction("ListModels"), Description("Lists the models an edge gateway serves, with their task, version and status.")]
    public async Task<AssistantReply> ListModelsAsync(Kernel kernel, [Description("The user's request, naming the gateway or its site")] string utterance = "", CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        var gateway = edge.Named(caller, utterance);
        var visible = edge.Visible(caller);
        if (gateway is null && visible.Count != 1)
        {
            return visible.Count == 0
                ? AssistantReply.Say("No edge gateways are configured for your organisation yet.")
                : AssistantReply.Say($"Which gateway? You can see {string.Join(", ", visible.Select(g => $"**{g.Name}**{Site(g)}"))}.")
                    .WithSuggestions(visible.Take(3).Select(g => $"what models does {g.Name} run?").ToArray());
        }

        gateway ??= visible[0];
        IReadOnlyList<GatewayModel> models;
        try
        {
            models = await edge.ModelsAsync(gateway, cancellationToken);
        }
        catch (EdgeGatewayException ex)
        {
            return AssistantReply.Say(ex.Message);
        }

        var text = new StringBuilder($"**{gateway.Name}**{Site(gateway)} serves {models.Count} model{(models.Count == 1 ? "" : "s")}:\n\n");
        var card = AdaptiveCardBuilder.Create().Title($"Models on {gateway.Name}");
        foreach (var model in models)
        {
            var state = model.IsReady ? "ready" : $"unavailable: {model.Error}";
            text.Append($"- **{model.Name}** {model.Version} — {model.Title ?? model.Task} ({state})\n");
            card.Text($"**{model.Title ?? model.Name}**", weight: "Bolder", color: model.IsReady ? null : "Attention")
                .Facts([("Name", model.Name), ("Version", model.Version ?? "—"), ("Task", model.Task ?? "—"), ("Status", state), ("Takes", model.Accepts ?? "raw tensors")]);
        }

        return AssistantReply.Say(text.ToString().TrimEnd()).WithCard(card.Build());
    }

    [KernelFunction("ReadLabel"), Description("Reads the text on a label, nameplate or package in an attached photo with a gateway's OCR model.")]
    public async Task<AssistantReply> ReadLabelAsync(Kernel kernel, [Description("The user's request; a photo is attached to the message")] string utterance = "", CancellationToken cancellationToken = default)
    {
        var turn = kernel.GetTurn();
        EdgeFile? file;
        try
        {
            file = await attachments.ReadAsync(turn.Activity, cancellationToken);
        }
        catch (EdgeAttachmentException ex)
        {
            return AssistantReply.Say(ex.Message);
        }

        if (file?.Kind == EdgeFileKind.Audio)
        {
            return await DetectSpeechInAsync(turn.Caller, utterance, file, cancellationToken);
        }

        if (file is null)
        {
            return AssistantReply.Say("Attach a photo of the label (PNG or JPEG) to your message and I'll read it with the label-reading model on your edge gateway.");
        }

        return await runs.RunAsync(turn.Caller, "Reading the label on the edge gateway… I'll send you the text as soon as it's done.", async ct =>
        {
            var (gateway, model) = await edge.ModelForAsync(turn.Caller, utterance, OcrTask, ct);
            var inference = await edge.InferFileAsync(gateway, model, file, ct);
            var lines = inference.Result["lines"]?.AsArray() ?? [];
            if (lines.Count == 0)
            {
                return AssistantReply.Say($"I couldn't find any text on that image ({gateway.Name}, {model.Name}). A sharper, closer photo of the label may help.");
            }

            var card = AdaptiveCardBuilder.Create().Title("Label text");
            foreach (var line in lines)
            {
                card.Text(line!["text"]!.GetValue<string>(), size: "Medium", weight: "Bolder");
            }

            card.Facts([
                ("Lowest confidence", lines.Min(l => l!["confidence"]!.GetValue<double>()).ToString("P0", CultureInfo.InvariantCulture)),
                ("Gateway", gateway.Describe()),
                ("Model", $"{model.Name} {model.Version}"),
                ("Time on gateway", $"{inference.DurationMs:F0} ms"),
            ]);
            var text = string.Join("\n", lines.Select(l => l!["text"]!.GetValue<string>()));
            return AssistantReply.Say($"The label reads:\n\n```\n{text}\n```").WithCard(card.Build());
        }, cancellationToken);
    }

    [KernelFunction("DetectSpeech"), Description("Checks an attached WAV recording for speech with a gateway's voice-activity model and lists where people speak.")]
    public async Task<AssistantReply> DetectSpeechAsync(Kernel kernel, [Description("The user's request; a recording is attached to the message")] string utterance = "", CancellationToken cancellationToken = default)
    {
        var turn = kernel.GetTurn();
        EdgeFile? file;
        try
        {
            file = await attachments.ReadAsync(turn.Activity, cancellationToken);
        }
        catch (EdgeAttachmentException ex)
        {
            return AssistantReply.Say(ex.Message);
        }

        return file is null || file.Kind != EdgeFileKind.Audio
            ? AssistantReply.Say("Attach a WAV recording to your message and I'll check it for speech with the voice-activity model on your edge gateway.")
            : await DetectSpeechInAsync(turn.Caller, utterance, file, cancellationToken);
    }

    private Task<AssistantReply> DetectSpeechInAsync(Caller caller, string utterance, EdgeFile file, CancellationToken cancellationToken) =>
        runs.RunAsync(caller, "Checking the recording for speech on the edge gateway… I'll send you the result when it's done.", async ct =>
        {
            var (gateway, model) = await edge.ModelForAsync(caller, utterance, VadTask, ct);
            var inference = await edge.InferFileAsync(gateway, model, file, ct);
            var result = inference.Result;
            var duration = result["durationSeconds"]!.GetValue<double>();
            var segments = result["segments"]!.AsArray();
            var card = AdaptiveCardBuilder.Create().Title(segments.Count > 0 ? "Speech found" : "No speech");
            card.Facts([
                ("Recording", $"{duration:F1} s"),
                ("Speech", $"{result["speechSeconds"]!.GetValue<double>():F1} s in {segments.Count} segment{(segments.Count == 1 ? "" : "s")}"),
                ("Gateway", gateway.Describe()),
                ("Model", $"{model.Name} {model.Version}"),
                ("Time on gateway", $"{inference.DurationMs:F0} ms ({duration * 1000 / Math.Max(inference.DurationMs, 0.001):F0}× real time)"),
            ]);
            if (segments.Count == 0)
            {
                return AssistantReply.Say($"No speech in that recording ({duration:F1} s of audio).").WithCard(card.Build());
            }

            var spans = segments.Select(s => $"{Seconds(s!["start"]!)}–{Seconds(s["end"]!)}").ToList();
            card.Facts(spans.Select((span, i) => ($"Segment {i + 1}", span)));
            return AssistantReply.Say($"Yes, there is speech: {string.Join(", ", spans)} (of {duration:F1} s).").WithCard(card.Build());
        }, cancellationToken);

    [KernelFunction("CheckVitals"), Description("Checks a patient's vital signs (heart rate, SpO2, breathing rate, blood pressure, temperature) for anomalies with a gateway's remote-monitoring model.")]
    public Task<AssistantReply> CheckVitalsAsync(Kernel kernel, [Description("The vital signs in the user's words, e.g. 'HR 128, SpO2 89%, RR 24, BP 95/60, temp 38.6'")] string utterance = "", CancellationToken cancellationToken = default) =>
        ScoreTelemetryAsync(kernel.GetCaller(), utterance, AnomalyTask, "vital signs", "HR 128, SpO2 89, RR 24, BP 95/60, temp 38.6", cancellationToken);

    [KernelFunction("PredictGridFault"), Description("Estimates the chance of a grid fault in the next 24 hours from a feeder's or transformer's telemetry with a gateway's grid model.")]
    public Task<AssistantReply> PredictGridFaultAsync(Kernel kernel, [Description("The telemetry in the user's words, e.g. 'load 1.1, voltage 0.95, THD 6.5, oil 92, ambient 30, PD 40, sags 3, age 31'")] string utterance = "", CancellationToken cancellationToken = default) =>
        ScoreTelemetryAsync(kernel.GetCaller(), utterance, ClassifierTask, "grid telemetry", "load 1.1, voltage 0.95, THD 6.5, oil 92, ambient 30, PD 40, sags 3, age 31", cancellationToken);

    private Task<AssistantReply> ScoreTelemetryAsync(Caller caller, string utterance, string task, string what, string example, CancellationToken cancellationToken) =>
        runs.RunAsync(caller, $"Scoring the {what} on the edge gateway… I'll send you the result when it's done.", async ct =>
        {
            var (gateway, model) = await edge.ModelForAsync(caller, utterance, task, ct);
            var features = TelemetryFeature.FromModel(await edge.DescribeAsync(gateway, model, ct));
            var (reading, missing) = TelemetryReading.Parse(utterance, features);
            if (missing.Count > 0)
            {
                var found = reading.Count > 0 ? $"I read {string.Join(", ", reading.Select(p => $"{p.Key} {p.Value}"))}, but " : "";
                return AssistantReply.Say($"{found}I need every value the {model.Title ?? model.Name} model uses. Missing: "
                    + string.Join(", ", missing.Select(f => $"{f.Description} ({f.Unit})")) + $".\n\nFor example: \"check these {what}: {example}\".");
            }

            var inference = await edge.InferJsonAsync(gateway, model, new JsonObject { ["readings"] = new JsonArray(reading.DeepClone()) }, ct);
            var result = inference.Result["results"]![0]!;
            var meaning = inference.Result["meaning"]?.GetValue<string>() ?? "flagged";
            var threshold = inference.Result["threshold"]?.GetValue<double>() ?? 0;
            var score = result["score"]!.GetValue<double>();
            var flagged = result["flag"]!.GetValue<bool>();
            var card = AdaptiveCardBuilder.Create().Title(flagged ? $"⚠ {Capitalise(meaning)}" : "Within the normal pattern");
            card.Facts(features.Select(f => (f.Description, $"{reading[f.Name]} {f.Unit}".Trim())));
            var drivers = result["contributions"] is JsonObject contributions
                ? contributions.Take(2).Select(p => features.First(f => f.Name == p.Key).Description).ToList()
                : [];
            var verdict = task == ClassifierTask
                ? $"Fault probability in the next 24 h: **{score:P0}** (alert at {threshold:P0})."
                : $"Anomaly score **{score:F2}** (alert at {threshold:F2}).";
            card.Facts([("Result", verdict.Replace("**", "", StringComparison.Ordinal)), ("Gateway", gateway.Describe()), ("Model", $"{model.Name} {model.Version}")]);
            var text = flagged
                ? $"**{Capitalise(meaning)}.** {verdict}" + (drivers.Count > 0 ? $" Furthest from normal: {string.Join(" and ", drivers)}." : "")
                : $"Nothing unusual. {verdict}";
            return AssistantReply.Say(text).WithCard(card.Build());
        }, cancellationToken);

    private static string Offline(EdgeGatewayException problem) => problem.Failure switch
    {
        GatewayFailure.Paused => problem.Message,
        GatewayFailure.Unauthorized => "refuses my API key",
        _ => "not answering — " + problem.Message,
    };

    private static string Site(EdgeGatewayEndpoint gateway) => string.IsNullOrWhiteSpace(gateway.Site) ? "" : $" ({gateway.Site})";

    private static string Seconds(JsonNode value) => value.GetValue<double>().ToString("F1", CultureInfo.InvariantCulture) + " s";

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
