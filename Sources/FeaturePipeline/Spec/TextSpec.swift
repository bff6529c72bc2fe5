import TensorCore
import TextFeatures
import Yams

/// `features.text`: which columns make an item's text and how it becomes a weighted bag of ids.
public struct TextSpec: Sendable, Equatable {
    public var options: TextOptions
    /// Width of the embedding bag over the ids.
    public var dim: Int
    public var onError: OnError
}

extension TextSpec {
    static func read(_ r: MappingReader) -> TextSpec {
        var o = TextOptions()
        OptionTableReader.read(&o, TextOptions.keys, from: r, custom: ["fields": readFields, "stop_words": readStopWords])
        let common = ModalityCommon.read(r, modality: TextModality.name, dim: 32)
        for problem in o.problems() { r.report("", nil, problem, hint: "see docs/text.md") }
        r.finish()
        return TextSpec(options: o, dim: common.dim, onError: common.onError)
    }

    /// `fields`: each entry a column name or `{name, weight}`; the default when none is usable.
    private static func readFields(_ r: MappingReader, _ key: OptionKeyInfo) -> Any? {
        var fields: [TextOptions.Field] = []
        for (i, node) in r.entries(key.name) ?? [] {
            if let name = node.string {
                fields.append(.init(name: name))
            } else {
                let f = MappingReader(node: node, path: r.join("\(key.name)[\(i)]"), diag: r.diag)
                let name = f.requiredString("name", doc: "Column name.", hint: "write {name: title, weight: 2}")
                let weight = f.double("weight", default: 1, range: 0.000001...1e6, doc: "Multiplies the counts of this column's terms.")
                f.finish()
                fields.append(.init(name: name, weight: weight))
            }
        }
        if fields.isEmpty { fields = TextOptions().fields }
        r.record(key.name, .list(fields.map { f in
                     f.weight == 1 ? .string(f.name)
                         : .node(Node([(Node("name"), Node(f.name)), (Node("weight"), Node(format(f.weight)))], .implicit, .flow))
                 }),
                 type: "list of columns", doc: key.doc, defaultText: "`[description]`")
        return fields
    }

    /// `stop_words`: none, english, or a list of words.
    private static func readStopWords(_ t: MappingReader, _ key: OptionKeyInfo) -> Any? {
        let type = "none \\| english \\| list"
        guard let node = t.node(key.name) else {
            t.record(key.name, .scalar("none"), type: type, doc: key.doc, defaultText: "`none`")
            return TokenizerOptions.StopWords.none
        }
        if let name = node.string {
            switch name {
            case "none": t.record(key.name, .scalar("none"), type: type, doc: key.doc, defaultText: "`none`"); return TokenizerOptions.StopWords.none
            case "english": t.record(key.name, .scalar("english"), type: type, doc: key.doc, defaultText: "`none`"); return TokenizerOptions.StopWords.english
            default:
                t.report(key.name, node, "'\(name)' is not none or english", hint: "write a list of words for your own stop words")
                return nil
            }
        }
        return TokenizerOptions.StopWords.list(t.stringList(key.name, default: [], doc: key.doc))
    }
}
