import HTTPCore
import Testing

/// Every way out of the root is refused, and the file outside is never served.
@Suite struct StaticFileTraversalTests {
    private static func status(_ handler: StaticFileHandler, _ path: String) -> Int {
        handler.handle(HTTPRequest(method: "GET", target: path, path: path)).status
    }

    private static func makeTree() -> (StaticFileTestTree, StaticFileHandler) {
        let tree = StaticFileTestTree()
        tree.write("secret.txt", "top secret")
        tree.directory("public")
        tree.directory("public/sub")
        tree.write("public/sub/inner.txt", "inner")
        tree.write("public/ok.txt", "ok")
        tree.write("public/.hidden", "hidden")
        tree.symlink("public/escape.txt", to: tree.base + "/secret.txt")
        tree.symlink("public/escape-dir", to: tree.base)
        tree.symlink("public/alias.txt", to: "ok.txt")
        return (tree, StaticFileHandler(root: tree.base + "/public"))
    }

    @Test func filesInsideTheRootAreServed() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/ok.txt") == 200)
        #expect(Self.status(handler, "/static/sub/inner.txt") == 200)
        #expect(Self.status(handler, "/static/alias.txt") == 200)
        withExtendedLifetime(tree) {}
    }

    @Test func dotDotSegmentsAreRefused() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/../secret.txt") == 404)
        #expect(Self.status(handler, "/static/sub/../../secret.txt") == 404)
        #expect(Self.status(handler, "/static/./ok.txt") == 404)
        withExtendedLifetime(tree) {}
    }

    @Test func percentEncodedDotsAndSlashesAreRefused() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/%2e%2e/secret.txt") == 404)
        #expect(Self.status(handler, "/static/%2E%2E%2Fsecret.txt") == 404)
        #expect(Self.status(handler, "/static/sub%2f..%2f..%2fsecret.txt") == 404)
        #expect(Self.status(handler, "/static/sub%2finner.txt") == 404)
        withExtendedLifetime(tree) {}
    }

    @Test func backslashesAreRefused() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/..\\secret.txt") == 404)
        #expect(Self.status(handler, "/static/..%5csecret.txt") == 404)
        #expect(Self.status(handler, "/static/sub%5Cinner.txt") == 404)
        withExtendedLifetime(tree) {}
    }

    @Test func encodedNulIsRefused() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/ok.txt%00.png") == 404)
        withExtendedLifetime(tree) {}
    }

    @Test func malformedEncodingIsBadRequest() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/ok%zz.txt") == 400)
        #expect(Self.status(handler, "/static/ok.txt%2") == 400)
        withExtendedLifetime(tree) {}
    }

    @Test func symlinksLeadingOutsideAreRefused() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/escape.txt") == 404)
        #expect(Self.status(handler, "/static/escape-dir/secret.txt") == 404)
        withExtendedLifetime(tree) {}
    }

    @Test func directoriesAreNotListed() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/sub") == 404)
        #expect(Self.status(handler, "/static/sub/") == 404)
        #expect(Self.status(handler, "/static/") == 404)
        #expect(Self.status(handler, "/static/sub//inner.txt") == 404)
        withExtendedLifetime(tree) {}
    }

    @Test func hiddenFilesAreRefused() {
        let (tree, handler) = Self.makeTree()
        #expect(Self.status(handler, "/static/.hidden") == 404)
        #expect(Self.status(handler, "/static/%2ehidden") == 404)
        withExtendedLifetime(tree) {}
    }
}
