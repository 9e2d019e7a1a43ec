import CixApp
import Foundation

exit(CixMain.run(Array(CommandLine.arguments.dropFirst())))
