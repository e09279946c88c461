using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>
/// The language model's prompt templates, read from <c>prompts/assistant/*.yaml</c> at start-up in
/// Semantic Kernel's <see cref="PromptTemplateConfig"/> shape (name, description, template,
/// template_format, input_variables, execution_settings).
/// </summary>
public sealed class AssistantPrompts
{
    public const string SystemPrompt = "system";
    public const string GroundedAnswer = "grounded_answer";
    public const string GroundedAnswerInput = "grounded_answer_input";
    public const string SummarizeHistory = "summarize_history";

    // Rendered prompts become the text of one chat message and are never parsed for <message> tags,
    // so encoding variable values would only garble quotes and ampersands without protecting anything.
    private static readonly KernelPromptTemplateFactory Factory = new() { AllowDangerouslySetContent = true };

    private readonly Dictionary<string, (PromptTemplateConfig Config, IPromptTemplate Template)> _templates;

    private AssistantPrompts(Dictionary<string, (PromptTemplateConfig, IPromptTemplate)> templates) => _templates = templates;

    public IReadOnlyCollection<PromptTemplateConfig> All => _templates.Values.Select(t => t.Config).ToList();

    public PromptTemplateConfig this[string name] => _templates.TryGetValue(name, out var t)
        ? t.Config
        : throw new KeyNotFoundException($"No prompt template named '{name}' in prompts/assistant.");

    /// <summary>Renders a template; every required variable must be given.</summary>
    public async Task<string> RenderAsync(string name, Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken)
    {
        var (config, template) = _templates.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"No prompt template named '{name}' in prompts/assistant.");
        var complete = new KernelArguments(arguments);
        foreach (var variable in config.InputVariables)
        {
            if (complete.ContainsName(variable.Name))
            {
                continue;
            }

            if (variable.Default is not null)
            {
                complete[variable.Name] = variable.Default;
            }
            else if (variable.IsRequired)
            {
                throw new ArgumentException($"The prompt '{name}' needs the variable '{variable.Name}'.", nameof(arguments));
            }
        }

        return await template.RenderAsync(kernel, complete, cancellationToken);
    }

    /// <summary>Reads every template of the folder; a file that does not parse, or that uses a variable
    /// it does not declare, stops start-up with its name in the message.</summary>
    public static AssistantPrompts Load(string folder)
    {
        if (!System.IO.Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The prompt template folder '{folder}' does not exist.");
        }

        var templates = new Dictionary<string, (PromptTemplateConfig, IPromptTemplate)>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var config = Parse(File.ReadAllText(file), Path.GetFileName(file));
            if (!templates.TryAdd(config.Name!, (config, Factory.Create(config))))
            {
                throw new InvalidDataException($"{Path.GetFileName(file)}: the prompt name '{config.Name}' is used twice.");
            }
        }

        foreach (var required in new[] { SystemPrompt, GroundedAnswer, GroundedAnswerInput, SummarizeHistory })
        {
            if (!templates.ContainsKey(required))
            {
                throw new InvalidDataException($"prompts/assistant has no template named '{required}'.");
            }
        }

        return new AssistantPrompts(templates);
    }

    /// <summary>Parses one YAML template into Semantic Kernel's own config type (through its JSON form, so
    /// the field names and execution settings mean exactly what they mean to Semantic Kernel).</summary>
    public static PromptTemplateConfig Parse(string yaml, string fileName)
    {
        PromptTemplateConfig config;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                throw new InvalidDataException($"{fileName}: a prompt template is one YAML mapping.");
            }

            config = PromptTemplateConfig.FromJson(ToJson(root)!.ToJsonString());
        }
        // YamlDotNet reports some malformed input (an unclosed flow sequence at the end) as an invalid operation.
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"{fileName}: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(config.Name) || string.IsNullOrWhiteSpace(config.Template))
        {
            throw new InvalidDataException($"{fileName}: a prompt template needs a 'name' and a 'template'.");
        }

        if (config.TemplateFormat != PromptTemplateConfig.SemanticKernelTemplateFormat)
        {
            throw new InvalidDataException($"{fileName}: template_format must be '{PromptTemplateConfig.SemanticKernelTemplateFormat}'.");
        }

        var declared = config.InputVariables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var used = UsedVariables(config.Template);
        if (used.FirstOrDefault(v => !declared.Contains(v)) is { } undeclared)
        {
            throw new InvalidDataException($"{fileName}: the template uses '${undeclared}', which input_variables does not declare.");
        }

        if (declared.FirstOrDefault(v => !used.Contains(v)) is { } unused)
        {
            throw new InvalidDataException($"{fileName}: input variable '{unused}' is declared but the template never uses it.");
        }

        return config;
    }

    private static HashSet<string> UsedVariables(string template) =>
        System.Text.RegularExpressions.Regex.Matches(template, @"\{\{\s*\$([A-Za-z0-9_]+)\s*\}\}")
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

    // Plain scalars that read as numbers or booleans become JSON numbers and booleans, as YAML means them.
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Scalar(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };

    private static JsonNode? Scalar(string? value) => value switch
    {
        null or "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        _ => JsonValue.Create(value),
    };
}
