using System.Text.Json.Nodes;

namespace PartnerAssistant.Cards;

/// <summary>
/// Writes Adaptive Card 1.5 JSON (the newest version Teams renders). Small on purpose: the
/// elements the assistant's cards use, each written as the schema names it.
/// </summary>
public sealed class AdaptiveCardBuilder
{
    public const string Version = "1.5";
    private readonly JsonArray _body = [];
    private readonly JsonArray _actions = [];

    public static AdaptiveCardBuilder Create() => new();

    public AdaptiveCardBuilder Title(string text) =>
        Add(new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true });

    public AdaptiveCardBuilder Text(string text, bool subtle = false, string? size = null, string? weight = null, string? color = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (subtle)
        {
            block["isSubtle"] = true;
        }

        if (size is not null)
        {
            block["size"] = size;
        }

        if (weight is not null)
        {
            block["weight"] = weight;
        }

        if (color is not null)
        {
            block["color"] = color;
        }

        return Add(block);
    }

    public AdaptiveCardBuilder Facts(IEnumerable<(string Title, string Value)> facts)
    {
        var list = new JsonArray();
        foreach (var (title, value) in facts)
        {
            list.Add(new JsonObject { ["title"] = title, ["value"] = value });
        }

        return list.Count == 0 ? this : Add(new JsonObject { ["type"] = "FactSet", ["facts"] = list });
    }

    public AdaptiveCardBuilder TextInput(string id, string label, string? value = null, string? placeholder = null, bool required = false, bool multiline = false, int? maxLength = null)
    {
        var input = Input("Input.Text", id, label, required);
        if (value is not null)
        {
            input["value"] = value;
        }

        if (placeholder is not null)
        {
            input["placeholder"] = placeholder;
        }

        if (multiline)
        {
            input["isMultiline"] = true;
        }

        if (maxLength is not null)
        {
            input["maxLength"] = maxLength;
        }

        return Add(input);
    }

    public AdaptiveCardBuilder NumberInput(string id, string label, double? value = null, double? min = null, double? max = null, bool required = false)
    {
        var input = Input("Input.Number", id, label, required);
        if (value is not null)
        {
            input["value"] = value;
        }

        if (min is not null)
        {
            input["min"] = min;
        }

        if (max is not null)
        {
            input["max"] = max;
        }

        return Add(input);
    }

    public AdaptiveCardBuilder DateInput(string id, string label, DateOnly? value = null, bool required = false)
    {
        var input = Input("Input.Date", id, label, required);
        if (value is not null)
        {
            input["value"] = value.Value.ToString("yyyy-MM-dd");
        }

        return Add(input);
    }

    public AdaptiveCardBuilder ChoiceInput(string id, string label, IEnumerable<(string Title, string Value)> choices, string? value = null, bool required = false, bool multiSelect = false, bool expanded = false)
    {
        var input = Input("Input.ChoiceSet", id, label, required);
        var list = new JsonArray();
        foreach (var (title, choiceValue) in choices)
        {
            list.Add(new JsonObject { ["title"] = title, ["value"] = choiceValue });
        }

        input["choices"] = list;
        if (value is not null)
        {
            input["value"] = value;
        }

        if (multiSelect)
        {
            input["isMultiSelect"] = true;
        }

        input["style"] = expanded ? "expanded" : "compact";
        return Add(input);
    }

    public AdaptiveCardBuilder ToggleInput(string id, string title, bool value = false) =>
        Add(new JsonObject { ["type"] = "Input.Toggle", ["id"] = id, ["title"] = title, ["value"] = value ? "true" : "false" });

    /// <summary>Action.Submit: the inputs and <paramref name="data"/> come back as a message's value.
    /// <c>data.action</c> names the intent (<c>Plugin.Function</c>) that handles it.</summary>
    public AdaptiveCardBuilder Submit(string title, string intent, JsonObject? data = null, string? style = null)
    {
        var payload = data?.DeepClone().AsObject() ?? [];
        payload["action"] = intent;
        var action = new JsonObject { ["type"] = "Action.Submit", ["title"] = title, ["data"] = payload };
        if (style is not null)
        {
            action["style"] = style;
        }

        _actions.Add(action);
        return this;
    }

    /// <summary>Action.Execute (Universal Actions): Teams sends an <c>adaptiveCard/action</c> invoke and
    /// replaces the card with the one the bot answers with. The verb names the intent.</summary>
    public AdaptiveCardBuilder Execute(string title, string intent, JsonObject? data = null, string? style = null)
    {
        var action = new JsonObject { ["type"] = "Action.Execute", ["title"] = title, ["verb"] = intent, ["data"] = data?.DeepClone() ?? new JsonObject() };
        if (style is not null)
        {
            action["style"] = style;
        }

        _actions.Add(action);
        return this;
    }

    /// <summary>
    /// A button that opens a dialog (<see cref="Conversation.IDialogProvider"/>): in Teams a task module
    /// (<c>task/fetch</c>), in other channels the dialog's card is sent into the conversation.
    /// </summary>
    public AdaptiveCardBuilder OpenDialog(string title, string dialogId, JsonObject? data = null)
    {
        var payload = data?.DeepClone().AsObject() ?? [];
        payload[DialogDataKey] = dialogId;
        payload["msteams"] = new JsonObject { ["type"] = "task/fetch" };
        _actions.Add(new JsonObject { ["type"] = "Action.Submit", ["title"] = title, ["data"] = payload });
        return this;
    }

    /// <summary>The property of a card action's data that names the dialog it belongs to.</summary>
    public const string DialogDataKey = "dialog";

    public AdaptiveCardBuilder OpenUrl(string title, string url)
    {
        _actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = title, ["url"] = url });
        return this;
    }

    /// <summary>Action.ShowCard: a button that unfolds <paramref name="card"/> (e.g. a short form) under the card.</summary>
    public AdaptiveCardBuilder ShowCard(string title, JsonObject card)
    {
        _actions.Add(new JsonObject { ["type"] = "Action.ShowCard", ["title"] = title, ["card"] = card.DeepClone() });
        return this;
    }

    public AdaptiveCardBuilder Add(JsonObject element)
    {
        _body.Add(element);
        return this;
    }

    public JsonObject Build()
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = Version,
            ["body"] = _body.DeepClone(),
        };
        if (_actions.Count > 0)
        {
            card["actions"] = _actions.DeepClone();
        }

        return card;
    }

    private static JsonObject Input(string type, string id, string label, bool required)
    {
        var input = new JsonObject { ["type"] = type, ["id"] = id, ["label"] = label };
        if (required)
        {
            input["isRequired"] = true;
            input["errorMessage"] = $"{label} is required.";
        }

        return input;
    }
}
