import CixApp
import Foundation

exit(CixMain.finish(CixMain.run(Array(CommandLine.arguments.dropFirst()))))
