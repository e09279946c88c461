namespace EdgeGateway.Inference;

/// <summary>The request cannot be served as sent; the message tells the client what to change.
/// Answered with <see cref="StatusCode"/> (400 unless said otherwise).</summary>
public sealed class InferenceRequestException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static InferenceRequestException TooLarge(string message) => new(message, StatusCodes.Status413PayloadTooLarge);

    public static InferenceRequestException Unsupported(string message) => new(message, StatusCodes.Status415UnsupportedMediaType);
}
