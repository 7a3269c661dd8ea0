import BoxConfig
import CertService
import HTTPCore
import Logging

/// The POST forms. Each checks where the request came from (`OriginPolicy`) and the CSRF
/// token first, changes nothing when the form is rejected, and answers `303 See Other` back to its page with a one-time message.
struct FormHandlers: Sendable {
    let app: HomepageApp

    /// What a form handler decides: the flash to show on the page it returns to.
    typealias Action = @Sendable (FormData) -> Flash

    func handle(_ request: HTTPRequest, _ action: Action) -> HTTPHandlerResult {
        if let refusal = app.originPolicy.refusal(for: request) {
            app.logger.warning("form refused: \(refusal)", metadata: ["path": "\(request.path)"])
            return .response(PageHandlers.errorPage(403, "Form refused", refusal.message))
        }
        let form: FormData
        do {
            form = try FormData(decoding: request.body)
        } catch {
            return .response(PageHandlers.errorPage(400, "Unreadable form", "The form could not be read: \(error)."))
        }
        if let refusal = app.csrf.refusal(of: form["csrf_token"], in: request) {
            app.logger.warning("form refused: \(refusal)", metadata: ["path": "\(request.path)"])
            return .response(PageHandlers.errorPage(403, "Form refused", refusal.message))
        }
        let flash = action(form)
        var response = HTTPResponse(status: 303)
        response.headers.add("Location", "/settings")
        response.headers.add("Set-Cookie", app.flashes.put(flash))
        // A new session after every form: a token seen on the page before is worth nothing now.
        response.headers.add("Set-Cookie", app.csrf.setCookie(for: app.csrf.newSession(), secure: request.isSecure))
        response.headers.add("Cache-Control", "no-store")
        return .response(response)
    }

    var saveServer: Action {
        { form in
            let url: String
            do throws(FormRejection) {
                url = try FormValidation.serverForm(form)
            } catch {
                return rejected(error)
            }
            return save("Odoo server saved: \(url).") { $0[.remoteServer] = url }
        }
    }

    var saveCredential: Action {
        { form in
            let credential: (dbUUID: String, enterpriseCode: String)
            do throws(FormRejection) {
                credential = try FormValidation.credentialForm(form)
            } catch {
                return rejected(error)
            }
            // A valid certificate is kept until it is due for renewal, whatever the
            // credentials: saying a request started would be untrue then.
            let message =
                app.checker.status.state == .valid
                ? "Credentials saved. The current certificate stays in use until it is due for renewal; "
                    + "the box asks for the next one with these credentials."
                : "Credentials saved; the box is asking for a certificate."
            return save(message) {
                $0[.dbUUID] = credential.dbUUID
                $0[.enterpriseCode] = credential.enterpriseCode
            }
        }
    }

    var clearCredential: Action {
        { _ in
            save("Credentials removed.") {
                $0[.dbUUID] = nil
                $0[.enterpriseCode] = nil
            }
        }
    }

    var saveLogLevel: Action {
        { form in
            let level: BoxLogLevel
            do throws(FormRejection) {
                level = try FormValidation.logLevelForm(form)
            } catch {
                return rejected(error)
            }
            do throws(SettingsSaveError) {
                _ = try app.settings.update { $0[.logLevel] = level.rawValue }
            } catch {
                return Flash(message: error.message, succeeded: false)
            }
            app.logLevel.current = level.loggerLevel
            app.logger.notice("log level set", metadata: ["level": "\(level.rawValue)"])
            return Flash(message: "Log level set to \(level.rawValue).", succeeded: true)
        }
    }

    var checkNow: Action {
        { _ in
            app.checker.check(reason: .checkNow, force: true)
            return Flash(message: "Checking the certificate now.", succeeded: true)
        }
    }

    // MARK: - Helpers

    private func save(_ message: String, _ change: (inout OdooConfig) -> Void) -> Flash {
        do throws(SettingsSaveError) {
            _ = try app.settings.update(change)
        } catch {
            return Flash(message: error.message, succeeded: false)
        }
        app.logger.info("settings saved")
        app.pushSettingsToChecker()
        return Flash(message: message, succeeded: true)
    }

    private func rejected(_ rejection: FormRejection) -> Flash {
        Flash(
            message: "Nothing was saved: please correct the fields below.", succeeded: false,
            fieldErrors: rejection.fieldErrors, enteredValues: rejection.enteredValues)
    }
}
