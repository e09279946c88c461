namespace OnnxGraph.Protobuf;

/// <summary>
/// Writes the ONNX messages (onnx.proto, IR version 8 and later) this library needs. The field
/// numbers below are the ones the ONNX specification assigns; fields this library never sets
/// (sparse tensors, subgraphs, training info, functions) are not written.
/// </summary>
internal static class OnnxProtoEncoder
{
    // ModelProto
    private const int ModelIrVersion = 1;
    private const int ModelProducerName = 2;
    private const int ModelProducerVersion = 3;
    private const int ModelDocString = 6;
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;
    private const int ModelMetadataProps = 14;

    // OperatorSetIdProto
    private const int OpsetDomain = 1;
    private const int OpsetVersion = 2;

    // StringStringEntryProto
    private const int EntryKey = 1;
    private const int EntryValue = 2;

    // GraphProto
    private const int GraphNode = 1;
    private const int GraphName = 2;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;

    // NodeProto
    private const int NodeInput = 1;
    private const int NodeOutput = 2;
    private const int NodeName = 3;
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;
    private const int NodeDomain = 7;

    // AttributeProto
    private const int AttributeName = 1;
    private const int AttributeFloat = 2;
    private const int AttributeInt = 3;
    private const int AttributeString = 4;
    private const int AttributeTensor = 5;
    private const int AttributeFloats = 7;
    private const int AttributeInts = 8;
    private const int AttributeStrings = 9;
    private const int AttributeType = 20;

    // TensorProto
    private const int TensorDims = 1;
    private const int TensorDataType = 2;
    private const int TensorName = 8;
    private const int TensorRawData = 9;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensorType = 1;
    private const int TensorTypeElemType = 1;
    private const int TensorTypeShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1;
    private const int DimParam = 2;

    public static void WriteModel(ProtoWriter w, OnnxModel model)
    {
        w.Int64Field(ModelIrVersion, model.IrVersion);
        WriteStringIfSet(w, ModelProducerName, model.ProducerName);
        WriteStringIfSet(w, ModelProducerVersion, model.ProducerVersion);
        WriteStringIfSet(w, ModelDocString, model.DocString);
        w.MessageField(ModelGraph, g => WriteGraph(g, model.Graph));
        foreach (OpsetImport opset in model.Opsets)
        {
            w.MessageField(ModelOpsetImport, o =>
            {
                WriteStringIfSet(o, OpsetDomain, opset.Domain);
                o.Int64Field(OpsetVersion, opset.Version);
            });
        }
        foreach (KeyValuePair<string, string> entry in model.Metadata)
        {
            w.MessageField(ModelMetadataProps, e =>
            {
                e.StringField(EntryKey, entry.Key);
                e.StringField(EntryValue, entry.Value);
            });
        }
    }

    private static void WriteGraph(ProtoWriter w, GraphBuilder graph)
    {
        foreach (NodeBuilder node in graph.Nodes)
        {
            w.MessageField(GraphNode, n => WriteNode(n, node));
        }
        w.StringField(GraphName, graph.Name);
        foreach (TensorData tensor in graph.Initializers)
        {
            w.MessageField(GraphInitializer, t => WriteTensor(t, tensor));
        }
        foreach (ValueInfo input in graph.Inputs)
        {
            w.MessageField(GraphInput, v => WriteValueInfo(v, input));
        }
        foreach (ValueInfo output in graph.Outputs)
        {
            w.MessageField(GraphOutput, v => WriteValueInfo(v, output));
        }
    }

    private static void WriteNode(ProtoWriter w, NodeBuilder node)
    {
        foreach (string input in node.Inputs)
        {
            w.StringField(NodeInput, input);
        }
        foreach (string output in node.Outputs)
        {
            w.StringField(NodeOutput, output);
        }
        WriteStringIfSet(w, NodeName, node.Name);
        w.StringField(NodeOpType, node.OpType);
        foreach (NodeAttribute attribute in node.Attributes)
        {
            w.MessageField(NodeAttribute, a => WriteAttribute(a, attribute));
        }
        WriteStringIfSet(w, NodeDomain, node.Domain);
    }

    private static void WriteAttribute(ProtoWriter w, NodeAttribute attribute)
    {
        w.StringField(AttributeName, attribute.Name);
        switch (attribute.Kind)
        {
            case AttributeKind.Float:
                w.FloatField(AttributeFloat, attribute.Float);
                break;
            case AttributeKind.Int:
                w.Int64Field(AttributeInt, attribute.Int);
                break;
            case AttributeKind.String:
                w.StringField(AttributeString, attribute.String!);
                break;
            case AttributeKind.Tensor:
                w.MessageField(AttributeTensor, t => WriteTensor(t, attribute.Tensor!));
                break;
            case AttributeKind.Floats:
                w.PackedFloatField(AttributeFloats, attribute.Floats);
                break;
            case AttributeKind.Ints:
                w.PackedInt64Field(AttributeInts, attribute.Ints);
                break;
            case AttributeKind.Strings:
                foreach (string value in attribute.Strings)
                {
                    w.StringField(AttributeStrings, value);
                }
                break;
            default:
                throw new InvalidOperationException($"Attribute kind {attribute.Kind} is not supported.");
        }
        // The type discriminator is mandatory since IR version 2: proto3 readers cannot tell an
        // empty list or a zero from an absent field without it.
        w.Int64Field(AttributeType, (long)attribute.Kind);
    }

    private static void WriteTensor(ProtoWriter w, TensorData tensor)
    {
        w.PackedInt64Field(TensorDims, tensor.Dims);
        w.Int64Field(TensorDataType, (long)tensor.DataType);
        w.StringField(TensorName, tensor.Name);
        w.BytesField(TensorRawData, tensor.RawBytes);
    }

    private static void WriteValueInfo(ProtoWriter w, ValueInfo info)
    {
        w.StringField(ValueInfoName, info.Name);
        w.MessageField(ValueInfoType, type => type.MessageField(TypeTensorType, tensorType =>
        {
            tensorType.Int64Field(TensorTypeElemType, (long)info.ElementType);
            if (info.Shape is not null)
            {
                // A scalar still writes an (empty) shape: no shape at all means "rank unknown".
                tensorType.MessageField(TensorTypeShape, shape =>
                {
                    foreach (Dim dim in info.Shape)
                    {
                        shape.MessageField(ShapeDim, d =>
                        {
                            if (dim.Symbol is not null)
                            {
                                d.StringField(DimParam, dim.Symbol);
                            }
                            else
                            {
                                d.Int64Field(DimValue, dim.Size!.Value);
                            }
                        });
                    }
                });
            }
        }));
    }

    private static void WriteStringIfSet(ProtoWriter w, int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.StringField(field, value);
        }
    }
}
